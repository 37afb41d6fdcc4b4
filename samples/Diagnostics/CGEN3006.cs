// CGEN3006: System contract method without a caller rule (docs/diagnostics/CGEN3006.md).
// Every method of a daemon every user can reach says who may call it; silence is not a default.
// 'dotnet build samples/Diagnostics' prints (less the directory, the help link and the project):
// CGEN3006.cs(15,15): warning CGEN3006: Declare who may call 'StatusAsync' of 'IPower' with [AllowAnyLocalUser], [RequireRoot] or [AllowCallers(...)] on the method or the contract
// CGEN3006.cs(17,10): warning CGEN3006: Declare who may call 'RebootAsync' of 'IPower' with [AllowAnyLocalUser], [RequireRoot] or [AllowCallers(...)] on the method or the contract
using System.Threading;
using System.Threading.Tasks;
using ContractGen;

namespace Diagnostics.Samples.Cgen3006;

[ServiceContract(Name = "com.example.samples.cgen3006", Context = ServiceContext.System)]
public partial interface IPower
{
    Task<int> StatusAsync(CancellationToken cancellationToken = default);

    Task RebootAsync(CancellationToken cancellationToken = default);
}
