// CGEN1013: transferred type not [MemoryPackable] partial (docs/diagnostics/CGEN1013.md).
// MemoryPack writes only types it generated a formatter for; the code fix adds the attribute and 'partial'.
// 'dotnet build samples/Diagnostics' prints (less the directory, the help link and the project):
// CGEN1013.cs(18,33): error CGEN1013: Make 'Diagnostics.Samples.Cgen1013.Order' [MemoryPackable] partial, with its containing types partial, so that parameter 'order' of 'PlaceAsync' can be serialized: 'Diagnostics.Samples.Cgen1013.Order' is not [MemoryPackable]
using System;
using System.ComponentModel.DataAnnotations;
using System.Threading;
using System.Threading.Tasks;
using ContractGen;

namespace Diagnostics.Samples.Cgen1013;

public sealed record Order([property: StringLength(32)] string Sku, int Quantity);

[ServiceContract(Name = "com.example.samples.cgen1013", Context = ServiceContext.User)]
public partial interface IOrders
{
    Task<Guid> PlaceAsync(Order order, CancellationToken cancellationToken = default);
}
