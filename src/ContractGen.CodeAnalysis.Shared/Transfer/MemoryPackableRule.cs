using Microsoft.CodeAnalysis;

namespace ContractGen.CodeAnalysis;

/// <summary>
/// CGEN1013: a class, struct or record of the user's own that is transferred but not <c>[MemoryPackable]</c>, or is but
/// is not <see langword="partial"/> (itself or a type containing it), so MemoryPack generates no formatter for it.
/// </summary>
internal static class MemoryPackableRule
{
    public static TypeFinding? Check(ITypeSymbol type, bool topLevel)
    {
        if (type is not INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct, IsAbstract: false, IsStatic: false, IsRefLikeType: false } named
            || named.OriginalDefinition.DeclaringSyntaxReferences.Length == 0)
        {
            return null;
        }

        // Nested in a packable type, an unmanaged struct is copied as raw bytes without a formatter; a parameter is not.
        if (!topLevel && MemoryPackFacts.IsLeaf(named))
        {
            return null;
        }

        var name = named.ToDisplayString();
        switch (MemoryPackFacts.GetShape(named))
        {
            case PackableShape.None:
                return new TypeFinding(DiagnosticIds.NotMemoryPackable, type, $"'{name}' is not [MemoryPackable]", named.OriginalDefinition);
            case PackableShape.Members or PackableShape.Collection when MemoryPackFacts.FirstNotPartial(named) is { } notPartial:
                var which = SymbolEqualityComparer.Default.Equals(notPartial, named.OriginalDefinition) ? "it" : $"its containing type '{notPartial.Name}'";
                return new TypeFinding(DiagnosticIds.NotMemoryPackable, type, $"'{name}' is [MemoryPackable] but {which} is not partial", named.OriginalDefinition);
            default:
                return null;
        }
    }
}
