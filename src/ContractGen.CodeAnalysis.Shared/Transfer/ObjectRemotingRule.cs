using Microsoft.CodeAnalysis;

namespace ContractGen.CodeAnalysis;

/// <summary>
/// CGEN3001 (CGEN1005 for a parameter or result itself): a type that would carry a live object, a callback or an
/// address instead of data, or that MemoryPack has no serializer for. Each reason ends with what to send instead.
/// </summary>
internal static class ObjectRemotingRule
{
    /// <summary>Types that are live objects whatever their declaration says: object, dynamic, delegates, pointers, streams, tasks...</summary>
    public static TypeFinding? CheckLiveObject(ITypeSymbol type)
    {
        string? reason = type switch
        {
            { SpecialType: SpecialType.System_Object } => "'object' can hold a live object of any type; send a concrete data type instead",
            { TypeKind: TypeKind.Dynamic } => "'dynamic' can hold a live object of any type; send a concrete data type instead",
            { TypeKind: TypeKind.Delegate } or { SpecialType: SpecialType.System_Delegate or SpecialType.System_MulticastDelegate }
                => $"delegate '{type.ToDisplayString()}' would pass a live callback; return data, or let the client open a stream",
            { TypeKind: TypeKind.Pointer or TypeKind.FunctionPointer } => $"pointer '{type.ToDisplayString()}' has no meaning in another process; send the data it points to",
            { TypeKind: TypeKind.TypeParameter } => $"type parameter '{type.ToDisplayString()}' is not a concrete type; contracts are not generic",
            { IsRefLikeType: true } => $"ref struct '{type.ToDisplayString()}' cannot be stored or serialized; send an array or ReadOnlyMemory<byte> instead",
            { SpecialType: SpecialType.System_Array } => "'System.Array' does not say what its elements are; send a typed array such as int[]",
            INamedTypeSymbol named => DescribeFrameworkObject(named),
            _ => null,
        };
        return reason is null ? null : new TypeFinding(DiagnosticIds.ObjectRemoting, type, reason);
    }

    /// <summary>What is left once the other rules had their say: interfaces and types MemoryPack cannot write.</summary>
    public static TypeFinding? CheckNoSerializer(ITypeSymbol type)
    {
        if (MemoryPackFacts.IsLeaf(type)
            || type is IArrayTypeSymbol
            || type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T }
            || (type is INamedTypeSymbol named && (MemoryPackFacts.IsKnownContainer(named) || MemoryPackFacts.GetShape(named) != PackableShape.None)))
        {
            return null;
        }

        var name = type.ToDisplayString();
        var reason = type.TypeKind == TypeKind.Interface
            ? $"interface '{name}' would pass a live object reference; send a [MemoryPackable] data type instead"
            : $"type '{name}' has no MemoryPack serializer; send its data as primitives, strings or a [MemoryPackable] type";
        return new TypeFinding(DiagnosticIds.ObjectRemoting, type, reason);
    }

    private static string? DescribeFrameworkObject(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            // Types of the user's own namespaces cannot be these: skip the lookup for them.
            var name = current.ContainingNamespace is { Name: "System" or "IO" or "Tasks" } ? MemoryPackFacts.MetadataName(current.OriginalDefinition) : null;
            switch (name)
            {
                case "System.IO.Stream":
                    return $"stream '{type.ToDisplayString()}' is a handle to data in this process; send the bytes as byte[] or ReadOnlyMemory<byte>, or return IAsyncEnumerable<byte[]> chunks";
                case "System.Threading.Tasks.Task" or "System.Threading.Tasks.Task`1" or "System.Threading.Tasks.ValueTask" or "System.Threading.Tasks.ValueTask`1":
                    return $"'{type.ToDisplayString()}' is an operation running in this process; await it and send its result";
                case "System.MarshalByRefObject":
                    return $"'{type.ToDisplayString()}' is a MarshalByRefObject, a reference to an object in this process; send the data it holds in a [MemoryPackable] type";
                case "System.Type":
                    // MemoryPack writes a Type as its name and loads it in the receiver: the sender would choose what is loaded.
                    return $"'{type.ToDisplayString()}' is resolved by name in the receiving process, which would load whatever type the sender names; send an enum or a name the service maps";
            }
        }

        return null;
    }
}
