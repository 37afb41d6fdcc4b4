// CGEN1008: CancellationToken not last (docs/diagnostics/CGEN1008.md).
// The token is not sent: it cancels the call on the client side, and the proxy expects it last.
// 'dotnet build samples/Diagnostics' prints (less the directory, the help link and the project):
// CGEN1008.cs(14,37): error CGEN1008: Move CancellationToken parameter 'cancellationToken' to the end of the parameter list of 'AddAsync'
using System.Threading;
using System.Threading.Tasks;
using ContractGen;

namespace Diagnostics.Samples.Cgen1008;

[ServiceContract(Name = "com.example.samples.cgen1008", Context = ServiceContext.User)]
public partial interface ICounter
{
    Task AddAsync(CancellationToken cancellationToken, long amount);
}
