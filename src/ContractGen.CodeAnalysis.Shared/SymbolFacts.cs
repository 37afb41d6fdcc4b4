using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace ContractGen.CodeAnalysis;

/// <summary>Facts about symbols that decide where and how generated code may refer to them.</summary>
internal static class SymbolFacts
{
    private const string ObsoleteAttributeName = "System.ObsoleteAttribute";

    /// <summary>
    /// The types, of <paramref name="type"/> and those containing it (outermost first), that code at module level (a
    /// module initializer, a file-local type) cannot name: private, protected and private protected ones, which only
    /// code inside the containing type can name, and file-local ones, which only code in the same file can.
    /// </summary>
    public static List<INamedTypeSymbol> TypesHiddenFromModule(INamedTypeSymbol type)
    {
        var hidden = new List<INamedTypeSymbol>();
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            if (current.IsFileLocal || current.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal))
            {
                hidden.Insert(0, current);
            }
        }

        return hidden;
    }

    /// <summary>Whether <paramref name="symbol"/> or a type containing it is <c>[Obsolete]</c>: naming it outside an obsolete context is reported.</summary>
    public static bool IsObsolete(ISymbol symbol)
    {
        for (var current = symbol; current is not null and not INamespaceSymbol; current = current.ContainingSymbol)
        {
            foreach (var attribute in current.GetAttributes())
            {
                if (attribute.AttributeClass?.ToDisplayString() == ObsoleteAttributeName)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// Whether code generated for <paramref name="type"/> names something obsolete: the type, its elements or its type
    /// arguments, or a member of an enum (a validator lists every defined value).
    /// </summary>
    public static bool UsesObsoleteType(ITypeSymbol type) => type switch
    {
        IArrayTypeSymbol array => UsesObsoleteType(array.ElementType),
        INamedTypeSymbol named => IsObsolete(named) || HasObsoleteEnumMember(named) || AnyObsolete(named.TypeArguments),
        _ => false,
    };

    private static bool HasObsoleteEnumMember(INamedTypeSymbol type)
    {
        if (type.TypeKind != TypeKind.Enum)
        {
            return false;
        }

        foreach (var member in type.GetMembers())
        {
            if (member is IFieldSymbol && IsObsolete(member))
            {
                return true;
            }
        }

        return false;
    }

    private static bool AnyObsolete(System.Collections.Immutable.ImmutableArray<ITypeSymbol> types)
    {
        foreach (var type in types)
        {
            if (UsesObsoleteType(type))
            {
                return true;
            }
        }

        return false;
    }
}
