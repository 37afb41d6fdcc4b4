using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ContractGen.CodeAnalysis;

/// <summary>The symbols contract rules compare against, resolved once per compilation.</summary>
internal sealed class KnownTypes
{
    public const string ServiceContractAttributeName = "ContractGen.ServiceContractAttribute";

    private static readonly string[] UnmanagedStructNames =
    {
        "System.DateTimeOffset", "System.TimeSpan", "System.Guid", "System.Half", "System.Int128", "System.UInt128",
        "System.DateOnly", "System.TimeOnly",
    };

    public KnownTypes(Compilation compilation)
    {
        ServiceContractAttribute = compilation.GetTypeByMetadataName(ServiceContractAttributeName);
        Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        TaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        ValueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
        ValueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
        CancellationToken = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
        AsyncEnumerableOfT = compilation.GetTypeByMetadataName("System.Collections.Generic.IAsyncEnumerable`1");
        ReadOnlyMemoryOfT = compilation.GetTypeByMetadataName("System.ReadOnlyMemory`1");
        ListOfT = compilation.GetTypeByMetadataName("System.Collections.Generic.List`1");
        DictionaryOfTKeyTValue = compilation.GetTypeByMetadataName("System.Collections.Generic.Dictionary`2");
        MemoryPackableAttribute = compilation.GetTypeByMetadataName("MemoryPack.MemoryPackableAttribute");
        AllowCallersAttribute = compilation.GetTypeByMetadataName("ContractGen.AllowCallersAttribute");
        RequireRootAttribute = compilation.GetTypeByMetadataName("ContractGen.RequireRootAttribute");
        AllowAnyLocalUserAttribute = compilation.GetTypeByMetadataName("ContractGen.AllowAnyLocalUserAttribute");
        OneWayAttribute = compilation.GetTypeByMetadataName("ContractGen.OneWayAttribute");
        UnmanagedStructs = UnmanagedStructNames.Select(compilation.GetTypeByMetadataName).Where(t => t is not null).Cast<INamedTypeSymbol>().ToImmutableHashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
    }

    public INamedTypeSymbol? ServiceContractAttribute { get; }
    public INamedTypeSymbol? Task { get; }
    public INamedTypeSymbol? TaskOfT { get; }
    public INamedTypeSymbol? ValueTask { get; }
    public INamedTypeSymbol? ValueTaskOfT { get; }
    public INamedTypeSymbol? CancellationToken { get; }
    public INamedTypeSymbol? AsyncEnumerableOfT { get; }
    public INamedTypeSymbol? ReadOnlyMemoryOfT { get; }
    public INamedTypeSymbol? ListOfT { get; }
    public INamedTypeSymbol? DictionaryOfTKeyTValue { get; }
    public INamedTypeSymbol? MemoryPackableAttribute { get; }
    public INamedTypeSymbol? AllowCallersAttribute { get; }
    public INamedTypeSymbol? RequireRootAttribute { get; }
    public INamedTypeSymbol? AllowAnyLocalUserAttribute { get; }
    public INamedTypeSymbol? OneWayAttribute { get; }

    /// <summary>Framework structs that MemoryPack writes as raw bytes and for which every bit pattern decodes.</summary>
    public ImmutableHashSet<INamedTypeSymbol> UnmanagedStructs { get; }
}
