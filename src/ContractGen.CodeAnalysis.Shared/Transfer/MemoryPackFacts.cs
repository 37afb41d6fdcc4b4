using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ContractGen.CodeAnalysis;

/// <summary>How MemoryPack treats a <c>[MemoryPackable]</c> type (the attribute's <c>GenerateType</c>, plus unions).</summary>
internal enum PackableShape
{
    /// <summary>Not packable: neither <c>[MemoryPackable]</c>, <c>IMemoryPackable&lt;T&gt;</c>, nor a union.</summary>
    None,

    /// <summary>Its serialized members are written one after another (<c>Object</c>, <c>VersionTolerant</c>, <c>CircularReference</c>).</summary>
    Members,

    /// <summary><c>GenerateType.Collection</c>: MemoryPack writes its elements.</summary>
    Collection,

    /// <summary><c>GenerateType.NoGenerate</c>: the author registers a formatter of their own.</summary>
    NoGenerate,

    /// <summary>An abstract class or interface with <c>[MemoryPackUnion]</c> cases.</summary>
    Union,

    /// <summary>An abstract class or interface marked <c>[MemoryPackable]</c> without a single <c>[MemoryPackUnion]</c> case.</summary>
    OpenAbstract,
}

/// <summary>
/// What MemoryPack 1.21 serializes, read from its attributes the way its own generator reads them, so that the transfer
/// rules flag neither less nor more than MemoryPack would send. Attribute names are compared by name, so nothing needs
/// resolving when a compilation does not reference MemoryPack.
/// </summary>
internal static class MemoryPackFacts
{
    private const string MemoryPackNamespace = "MemoryPack";
    private const int GenerateTypeCollection = 3;
    private const int GenerateTypeNoGenerate = 4;

    // Generic types MemoryPack ships formatters for; their type arguments are walked as elements.
    private static readonly HashSet<string> KnownGenericContainers = new(System.StringComparer.Ordinal)
    {
        "System.ArraySegment`1", "System.Memory`1", "System.ReadOnlyMemory`1", "System.Buffers.ReadOnlySequence`1", "System.Lazy`1",
        "System.Collections.Generic.List`1", "System.Collections.Generic.Stack`1", "System.Collections.Generic.Queue`1",
        "System.Collections.Generic.LinkedList`1", "System.Collections.Generic.HashSet`1", "System.Collections.Generic.SortedSet`1",
        "System.Collections.Generic.PriorityQueue`2", "System.Collections.ObjectModel.ObservableCollection`1",
        "System.Collections.ObjectModel.Collection`1", "System.Collections.ObjectModel.ReadOnlyCollection`1",
        "System.Collections.ObjectModel.ReadOnlyObservableCollection`1", "System.Collections.Concurrent.ConcurrentQueue`1",
        "System.Collections.Concurrent.ConcurrentStack`1", "System.Collections.Concurrent.ConcurrentBag`1",
        "System.Collections.Concurrent.BlockingCollection`1", "System.Collections.Generic.Dictionary`2",
        "System.Collections.Generic.SortedDictionary`2", "System.Collections.Generic.SortedList`2",
        "System.Collections.Concurrent.ConcurrentDictionary`2", "System.Collections.Immutable.ImmutableArray`1",
        "System.Collections.Immutable.ImmutableList`1", "System.Collections.Immutable.ImmutableQueue`1",
        "System.Collections.Immutable.ImmutableStack`1", "System.Collections.Immutable.ImmutableDictionary`2",
        "System.Collections.Immutable.ImmutableSortedDictionary`2", "System.Collections.Immutable.ImmutableSortedSet`1",
        "System.Collections.Immutable.ImmutableHashSet`1", "System.Collections.Immutable.IImmutableList`1",
        "System.Collections.Immutable.IImmutableQueue`1", "System.Collections.Immutable.IImmutableStack`1",
        "System.Collections.Immutable.IImmutableDictionary`2", "System.Collections.Immutable.IImmutableSet`1",
        "System.Collections.Generic.IEnumerable`1", "System.Collections.Generic.ICollection`1",
        "System.Collections.Generic.IReadOnlyCollection`1", "System.Collections.Generic.IList`1",
        "System.Collections.Generic.IReadOnlyList`1", "System.Collections.Generic.IDictionary`2",
        "System.Collections.Generic.IReadOnlyDictionary`2", "System.Linq.ILookup`2", "System.Linq.IGrouping`2",
        "System.Collections.Generic.ISet`1", "System.Collections.Generic.IReadOnlySet`1", "System.Collections.Generic.KeyValuePair`2",
        "System.Tuple`1", "System.Tuple`2", "System.Tuple`3", "System.Tuple`4", "System.Tuple`5", "System.Tuple`6", "System.Tuple`7",
        "System.ValueTuple`1", "System.ValueTuple`2", "System.ValueTuple`3", "System.ValueTuple`4", "System.ValueTuple`5",
        "System.ValueTuple`6", "System.ValueTuple`7",
    };

    // Non-generic reference types MemoryPack ships formatters for (System.Type is one too, but the rules refuse it).
    private static readonly HashSet<string> KnownLeaves = new(System.StringComparer.Ordinal)
    {
        "System.Version", "System.Uri", "System.Numerics.BigInteger", "System.TimeZoneInfo", "System.Collections.BitArray",
        "System.Text.StringBuilder", "System.Globalization.CultureInfo",
    };

    /// <summary>Whether MemoryPack has a built-in formatter for <paramref name="type"/> whose type arguments are its elements.</summary>
    public static bool IsKnownContainer(INamedTypeSymbol type)
        => type.IsGenericType && KnownGenericContainers.Contains(MetadataName(type.OriginalDefinition));

    /// <summary>Whether MemoryPack writes <paramref name="type"/> without looking further: primitives, enums, unmanaged structs, known leaves.</summary>
    public static bool IsLeaf(ITypeSymbol type)
        => type.SpecialType is SpecialType.System_String or SpecialType.System_Decimal or SpecialType.System_DateTime
           || type.TypeKind == TypeKind.Enum
           || (type.IsUnmanagedType && !type.IsRefLikeType && type.TypeKind != TypeKind.Pointer && type.TypeKind != TypeKind.FunctionPointer
               && type is not INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T })
           || (type is INamedTypeSymbol named && KnownLeaves.Contains(MetadataName(named)));

    /// <summary>How MemoryPack serializes <paramref name="type"/>, or <see cref="PackableShape.None"/> when it does not generate for it.</summary>
    public static PackableShape GetShape(ITypeSymbol type)
    {
        if (type is not INamedTypeSymbol named)
        {
            return PackableShape.None;
        }

        var isAbstract = named.IsAbstract || named.TypeKind == TypeKind.Interface;
        if (isAbstract && UnionCases(named).Any())
        {
            return PackableShape.Union;
        }

        var packable = FindAttribute(named, "MemoryPackableAttribute");
        if (packable is null)
        {
            // A packable type compiled into another assembly keeps its attribute; this also covers hand-written formatters.
            return named.AllInterfaces.Any(i => i.Name == "IMemoryPackable" && IsInMemoryPack(i)) ? PackableShape.Members : PackableShape.None;
        }

        if (isAbstract)
        {
            return PackableShape.OpenAbstract;
        }

        // [MemoryPackable(GenerateType)], [MemoryPackable(SerializeLayout)] or both: only the GenerateType matters here.
        var generateType = packable.ConstructorArguments
            .FirstOrDefault(a => a.Type?.Name == "GenerateType").Value as int?;
        return generateType switch
        {
            GenerateTypeCollection => PackableShape.Collection,
            GenerateTypeNoGenerate => PackableShape.NoGenerate,
            _ => PackableShape.Members,
        };
    }

    /// <summary>The case types of a union: the <c>typeof</c> argument of each <c>[MemoryPackUnion(tag, typeof(Case))]</c>.</summary>
    public static IEnumerable<INamedTypeSymbol> UnionCases(INamedTypeSymbol type)
        => type.GetAttributes()
            .Where(a => IsMemoryPackAttribute(a, "MemoryPackUnionAttribute") && a.ConstructorArguments.Length == 2)
            .Select(a => a.ConstructorArguments[1].Value)
            .OfType<INamedTypeSymbol>();

    /// <summary>
    /// How a path names one case of a union, after the path to the union value: <c>(as Circle)</c> in
    /// <c>shapes[](as Circle).Label</c>. One form for the transfer rules, the safety rules and the generated validators.
    /// </summary>
    public static string CaseSegment(INamedTypeSymbol unionCase) => "(as " + unionCase.Name + ")";

    /// <summary>
    /// The fields and properties MemoryPack serializes, its own and inherited (the most derived wins a name): public ones
    /// and <c>[MemoryPackInclude]</c> ones, less <c>[MemoryPackIgnore]</c>, set-only properties and indexers.
    /// </summary>
    public static IEnumerable<ISymbol> SerializedMembers(INamedTypeSymbol type)
    {
        var seen = new HashSet<string>(System.StringComparer.Ordinal);
        for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                if (member is not (IFieldSymbol or IPropertySymbol) || member.IsStatic || member.IsImplicitlyDeclared || !member.CanBeReferencedByName
                    || !seen.Add(member.Name))
                {
                    continue;
                }

                if (HasAttribute(member, "MemoryPackIgnoreAttribute")
                    || (member.DeclaredAccessibility != Accessibility.Public && !HasAttribute(member, "MemoryPackIncludeAttribute"))
                    || member is IPropertySymbol { IsIndexer: true } or IPropertySymbol { GetMethod: null })
                {
                    continue;
                }

                yield return member;
            }
        }
    }

    /// <summary>The declared type of a member <see cref="SerializedMembers"/> returned (a field or a property).</summary>
    public static ITypeSymbol MemberType(ISymbol member) => member is IPropertySymbol property ? property.Type : ((IFieldSymbol)member).Type;

    /// <summary>
    /// Whether MemoryPack takes the member's author's word for how it is written: a custom formatter attribute
    /// (<c>[Utf8StringFormatter]</c>, <c>[BrotliFormatter]</c>, ...) or <c>[MemoryPackAllowSerialize]</c>.
    /// </summary>
    public static bool HasOwnFormatter(ISymbol member)
        => member.GetAttributes().Any(a =>
            IsMemoryPackAttribute(a, "MemoryPackAllowSerializeAttribute")
            || BaseTypes(a.AttributeClass).Any(t => t.Name == "MemoryPackCustomFormatterAttribute" && IsInMemoryPack(t)));

    /// <summary>The element type of a <c>GenerateType.Collection</c> type: the T of the <c>ICollection&lt;T&gt;</c> it implements.</summary>
    public static ITypeSymbol? CollectionElement(INamedTypeSymbol type)
        => type.AllInterfaces.FirstOrDefault(i => MetadataName(i.OriginalDefinition) == "System.Collections.Generic.ICollection`1")?.TypeArguments[0];

    /// <summary>
    /// The first type that must be declared <see langword="partial"/> for MemoryPack to generate into
    /// <paramref name="type"/> and is not: the type itself or one containing it. Null when all are, or for metadata types.
    /// </summary>
    public static INamedTypeSymbol? FirstNotPartial(INamedTypeSymbol type)
    {
        for (var current = type.OriginalDefinition; current is not null; current = current.ContainingType)
        {
            if (current.DeclaringSyntaxReferences.Length == 0)
            {
                return null;
            }

            if (!current.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is TypeDeclarationSyntax d && d.Modifiers.Any(SyntaxKind.PartialKeyword)))
            {
                return current;
            }
        }

        return null;
    }

    /// <summary>Whether the symbol carries the MemoryPack attribute named <paramref name="attributeName"/>.</summary>
    public static bool HasAttribute(ISymbol symbol, string attributeName)
        => symbol.GetAttributes().Any(a => IsMemoryPackAttribute(a, attributeName));

    /// <summary>A name like <c>System.Collections.Generic.List`1</c>, built without the cost of a display string for each check.</summary>
    public static string MetadataName(INamedTypeSymbol type)
    {
        var ns = type.ContainingNamespace;
        return ns is null || ns.IsGlobalNamespace ? type.MetadataName : ns.ToDisplayString() + "." + type.MetadataName;
    }

    private static AttributeData? FindAttribute(ISymbol symbol, string attributeName)
        => symbol.GetAttributes().FirstOrDefault(a => IsMemoryPackAttribute(a, attributeName));

    private static bool IsMemoryPackAttribute(AttributeData attribute, string attributeName)
        => attribute.AttributeClass is { } type && type.Name == attributeName && IsInMemoryPack(type);

    private static bool IsInMemoryPack(INamedTypeSymbol type)
        => type.ContainingNamespace is { Name: MemoryPackNamespace, ContainingNamespace.IsGlobalNamespace: true };

    private static IEnumerable<INamedTypeSymbol> BaseTypes(INamedTypeSymbol? type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            yield return current.OriginalDefinition;
        }
    }
}
