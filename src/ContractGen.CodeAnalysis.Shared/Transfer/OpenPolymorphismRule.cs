using Microsoft.CodeAnalysis;

namespace ContractGen.CodeAnalysis;

/// <summary>
/// CGEN3004: an abstract data type without a closed set of cases. The receiver must create a concrete object, and only a
/// <c>[MemoryPackUnion]</c> list tells it which ones it may create; without one MemoryPack has nothing to decode into.
/// </summary>
internal static class OpenPolymorphismRule
{
    public static TypeFinding? Check(ITypeSymbol type)
    {
        if (type is not INamedTypeSymbol named)
        {
            return null;
        }

        var shape = MemoryPackFacts.GetShape(named);

        // A [MemoryPackable] abstract type or interface means data was intended; so does an abstract class of the
        // user's own (an interface that is not [MemoryPackable] is a live object: ObjectRemotingRule).
        var open = shape == PackableShape.OpenAbstract
                   || (shape == PackableShape.None && named is { TypeKind: TypeKind.Class, IsAbstract: true, IsStatic: false }
                       && named.DeclaringSyntaxReferences.Length > 0);
        return open
            ? new TypeFinding(DiagnosticIds.OpenPolymorphism, type, $"'{type.ToDisplayString()}' is abstract and lists no [MemoryPackUnion] cases")
            : null;
    }
}
