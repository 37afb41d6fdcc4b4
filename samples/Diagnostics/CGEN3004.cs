// CGEN3004: abstract transferred type without union cases (docs/diagnostics/CGEN3004.md).
// MemoryPack cannot write an Animal it knows no subtypes of; an open type list is also a deserialization risk.
// 'dotnet build samples/Diagnostics' prints (less the directory, the help link and the project):
// CGEN3004.cs(16,31): error MEMPACK003: abstract/interface type of MemoryPackable object 'Animal' must annotate with Union
// CGEN3004.cs(32,30): error CGEN3004: List the concrete types of 'Diagnostics.Samples.Cgen3004.Animal' with [MemoryPackable] and [MemoryPackUnion] attributes, or use a sealed data type, for member 'owner.Pets[]' of parameter 'owner' of 'RegisterAsync'
using System.Collections.Generic;
using System.ComponentModel.DataAnnotations;
using System.Threading;
using System.Threading.Tasks;
using ContractGen;
using MemoryPack;

namespace Diagnostics.Samples.Cgen3004;

[MemoryPackable]
public abstract partial class Animal
{
    [StringLength(64)]
    public string Name { get; set; } = "";
}

[MemoryPackable]
public sealed partial class Owner
{
    [MaxLength(16)]
    public List<Animal> Pets { get; set; } = new();
}

[ServiceContract(Name = "com.example.samples.cgen3004", Context = ServiceContext.User)]
public partial interface IPets
{
    Task RegisterAsync(Owner owner, CancellationToken cancellationToken = default);
}
