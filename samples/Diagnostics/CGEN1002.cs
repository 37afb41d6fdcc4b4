// CGEN1002: ref, out or in parameter (docs/diagnostics/CGEN1002.md).
// A call crosses a process boundary: nothing can be written back into the caller's variable.
// 'dotnet build samples/Diagnostics' prints (less the directory, the help link and the project):
// CGEN1002.cs(14,51): error CGEN1002: Remove the 'out' modifier from parameter 'value' of 'TryGetAsync' and return any result through the method's Task or ValueTask
using System.Threading;
using System.Threading.Tasks;
using ContractGen;

namespace Diagnostics.Samples.Cgen1002;

[ServiceContract(Name = "com.example.samples.cgen1002", Context = ServiceContext.User, MaxStringLength = 256)]
public partial interface IStore
{
    Task<bool> TryGetAsync(string key, out string value, CancellationToken cancellationToken = default);
}
