// CGEN3002: parameter or member that claims the caller's identity (docs/diagnostics/CGEN3002.md).
// A System daemon learns who calls from the kernel (ServiceCallContext.Current.Caller), never from an argument.
// 'dotnet build samples/Diagnostics' prints (less the directory, the help link and the project):
// CGEN3002.cs(16,32): warning CGEN3002: Remove parameter 'uid' of 'UsageAsync' and read who is calling from ServiceCallContext.Current.Caller, which the kernel vouches for
// CGEN3002.cs(16,42): warning CGEN3002: Remove parameter 'isAdmin' of 'UsageAsync' and read who is calling from ServiceCallContext.Current.Caller, which the kernel vouches for
using System.Threading;
using System.Threading.Tasks;
using ContractGen;

namespace Diagnostics.Samples.Cgen3002;

[ServiceContract(Name = "com.example.samples.cgen3002", Context = ServiceContext.System)]
[AllowAnyLocalUser]
public partial interface IQuota
{
    Task<long> UsageAsync(uint uid, bool isAdmin, CancellationToken cancellationToken = default);
}
