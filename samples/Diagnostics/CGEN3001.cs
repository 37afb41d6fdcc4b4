// CGEN3001: live object inside a transferred type (docs/diagnostics/CGEN3001.md).
// A live object deep inside a [MemoryPackable] type is object remoting by the back door, reported by its path. Here a
// System.Type, which MemoryPack writes by name and the receiver loads: the sender would choose what the daemon loads.
// (A delegate or a Stream member gets CGEN3001 too, and MemoryPack's own MEMPACK018/MEMPACK019 errors beside it.)
// 'dotnet build samples/Diagnostics' prints (less the directory, the help link and the project):
// CGEN3001.cs(28,27): error CGEN3001: Change the type of member 'order.Lines[].Handler' of parameter 'order' of 'PlaceAsync': 'System.Type' is resolved by name in the receiving process, which would load whatever type the sender names; send an enum or a name the service maps
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ContractGen;
using MemoryPack;

namespace Diagnostics.Samples.Cgen3001;

[MemoryPackable]
public sealed partial record OrderLine(string Sku, int Quantity, Type Handler);

[MemoryPackable]
public sealed partial class Order
{
    public List<OrderLine> Lines { get; set; } = new();
}

[ServiceContract(Name = "com.example.samples.cgen3001", Context = ServiceContext.User, MaxStringLength = 64, MaxCollectionLength = 100)]
public partial interface IOrders
{
    Task PlaceAsync(Order order, CancellationToken cancellationToken = default);
}
