// CGEN1003: generic method (docs/diagnostics/CGEN1003.md).
// The service cannot know which T the client meant, nor how to decode it.
// 'dotnet build samples/Diagnostics' prints (less the directory, the help link and the project):
// CGEN1003.cs(15,5): error CGEN1005: Change the type of the result of 'GetAsync': type parameter 'T' is not a concrete type; contracts are not generic
// CGEN1003.cs(15,13): error CGEN1003: Remove the type parameters of contract method 'GetAsync' and declare one method per concrete type
using System.Threading;
using System.Threading.Tasks;
using ContractGen;

namespace Diagnostics.Samples.Cgen1003;

[ServiceContract(Name = "com.example.samples.cgen1003", Context = ServiceContext.User, MaxStringLength = 256)]
public partial interface ISettings
{
    Task<T> GetAsync<T>(string key, CancellationToken cancellationToken = default);
}
