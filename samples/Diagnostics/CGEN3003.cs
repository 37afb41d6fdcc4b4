// CGEN3003: string, buffer or collection without an explicit bound (docs/diagnostics/CGEN3003.md).
// Every local user can call a System daemon: without a bound, one call can make it allocate gigabytes.
// 'dotnet build samples/Diagnostics' prints (less the directory, the help link and the project):
// CGEN3003.cs(19,26): warning CGEN3003: Bound parameter 'key' of 'PutAsync' with [StringLength(...)], or set MaxStringLength on the contract's [ServiceContract]
// CGEN3003.cs(19,38): warning CGEN3003: Bound parameter 'value' of 'PutAsync' with [MaxLength(...)], or set MaxByteLength on the contract's [ServiceContract]
// CGEN3003.cs(22,78): warning CGEN3003: Bound each element of parameter 'tags' of 'TagAsync' with [ElementMaxLength(...)], or set MaxStringLength on the contract's [ServiceContract]
using System.Collections.Generic;
using System.ComponentModel.DataAnnotations;
using System.Threading;
using System.Threading.Tasks;
using ContractGen;

namespace Diagnostics.Samples.Cgen3003;

[ServiceContract(Name = "com.example.samples.cgen3003", Context = ServiceContext.System)]
[AllowAnyLocalUser]
public partial interface IStore
{
    Task PutAsync(string key, byte[] value, CancellationToken cancellationToken = default);

    // Eight strings at most, but each as long as a caller likes: the count is bounded, the elements are not.
    Task TagAsync([StringLength(64)] string key, [MaxLength(8)] List<string> tags, CancellationToken cancellationToken = default);
}
