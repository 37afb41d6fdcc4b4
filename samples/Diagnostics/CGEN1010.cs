// CGEN1010: [OneWay] method with a result (docs/diagnostics/CGEN1010.md).
// A one-way call sends no reply, so there is nothing to carry the bool back.
// 'dotnet build samples/Diagnostics' prints (less the directory, the help link and the project):
// CGEN1010.cs(16,5): error CGEN1010: Remove [OneWay] from 'PublishAsync', or make it return Task or ValueTask: a one-way call gets no reply that could carry a result
using System.ComponentModel.DataAnnotations;
using System.Threading;
using System.Threading.Tasks;
using ContractGen;

namespace Diagnostics.Samples.Cgen1010;

[ServiceContract(Name = "com.example.samples.cgen1010", Context = ServiceContext.User)]
public partial interface IEvents
{
    [OneWay]
    Task<bool> PublishAsync([StringLength(64)] string topic, CancellationToken cancellationToken = default);
}
