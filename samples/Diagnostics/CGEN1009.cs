// CGEN1009: generic contract (docs/diagnostics/CGEN1009.md).
// A daemon serves one closed contract; an open type parameter has no wire form.
// 'dotnet build samples/Diagnostics' prints (less the directory, the help link and the project):
// CGEN1009.cs(13,26): error CGEN1009: Remove the type parameters of service contract 'Diagnostics.Samples.Cgen1009.IRepository<TItem>' and declare one contract per concrete type
// CGEN1009.cs(15,5): error CGEN1005: Change the type of the result of 'GetAsync': type parameter 'TItem' is not a concrete type; contracts are not generic
using System.Threading;
using System.Threading.Tasks;
using ContractGen;

namespace Diagnostics.Samples.Cgen1009;

[ServiceContract(Name = "com.example.samples.cgen1009", Context = ServiceContext.User)]
public partial interface IRepository<TItem>
{
    Task<TItem> GetAsync(int id, CancellationToken cancellationToken = default);
}
