using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ContractGen.CodeAnalysis;

/// <summary>
/// Describes, for the scanner the generator emits, how MemoryPack 1.21 lays out each transferred type: read from the
/// symbols the way MemoryPack's own generator reads them (member order, unmanaged structs written raw, unions, the
/// layouts of its collection and nullable formatters). What it cannot prove is an <see cref="ShapeKind.Unproven"/>
/// shape with a reason (CGEN3008). One builder per contract: the definitions it collects are the contract's.
/// </summary>
internal sealed class WireShapes
{
    private const int GenerateTypeObject = 0;

    // Generic collections whose MemoryPack formatter writes a count, then each element through the element's formatter.
    private static readonly HashSet<string> Sequences = new(System.StringComparer.Ordinal)
    {
        "System.Collections.Generic.List`1", "System.Collections.Generic.IEnumerable`1", "System.Collections.Generic.ICollection`1",
        "System.Collections.Generic.IReadOnlyCollection`1", "System.Collections.Generic.IList`1", "System.Collections.Generic.IReadOnlyList`1",
        "System.Collections.Generic.HashSet`1", "System.Collections.Generic.ISet`1", "System.Collections.Generic.IReadOnlySet`1",
    };

    // Generic dictionaries whose formatter writes a count, then each pair (raw when both key and value are unmanaged).
    private static readonly HashSet<string> Dictionaries = new(System.StringComparer.Ordinal)
    {
        "System.Collections.Generic.Dictionary`2", "System.Collections.Generic.IDictionary`2", "System.Collections.Generic.IReadOnlyDictionary`2",
    };

    private readonly Dictionary<ITypeSymbol, string> _ids = new(SymbolEqualityComparer.Default);
    private readonly List<ShapeDefinition> _definitions = new();
    private readonly HashSet<string> _usedIds = new(System.StringComparer.Ordinal);

    /// <summary>The objects and unions the shapes built so far refer to, in a stable order.</summary>
    public IReadOnlyList<ShapeDefinition> Definitions => _definitions;

    /// <summary>The layout of a parameter or result of <paramref name="type"/>, with the count bound <paramref name="check"/> declares on it.</summary>
    public ShapeModel ForValue(ITypeSymbol type, CheckModel? check, string path)
    {
        var shape = Build(type, path, topLevel: true);
        if (check is not null && shape.Kind is ShapeKind.Collection or ShapeKind.Dictionary or ShapeKind.UnmanagedArray
            && check.Rules.FirstOrDefault(r => r.Kind == RuleKind.MaxLength) is { } bound
            && int.TryParse(bound.Argument, NumberStyles.None, CultureInfo.InvariantCulture, out var max))
        {
            shape = shape with { MaxCount = max, BoundRule = bound.Name };
        }

        return shape;
    }

    /// <summary>Every unproven shape in <paramref name="shape"/> and in the definitions it reaches: the reasons CGEN3008 reports.</summary>
    public IEnumerable<string> FindUnproven(ShapeModel shape)
    {
        var seen = new HashSet<string>(System.StringComparer.Ordinal);
        var pending = new Stack<ShapeModel>();
        pending.Push(shape);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            if (current.Kind == ShapeKind.Unproven && current.Reason.Length > 0)
            {
                yield return current.Reason;
            }

            foreach (var element in current.Elements)
            {
                pending.Push(element);
            }

            if (current.Ref is { } id && seen.Add(id) && _definitions.FirstOrDefault(d => d.Id == id) is { } definition)
            {
                foreach (var member in definition.Members)
                {
                    pending.Push(member);
                }
            }
        }
    }

    private ShapeModel Build(ITypeSymbol type, string path, bool topLevel = false)
    {
        if (type.SpecialType == SpecialType.System_Boolean)
        {
            return new ShapeModel(ShapeKind.Boolean);
        }

        if (type.SpecialType == SpecialType.System_String)
        {
            return new ShapeModel(ShapeKind.String);
        }

        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            var inner = nullable.TypeArguments[0];
            if (inner.SpecialType == SpecialType.System_Boolean)
            {
                return new ShapeModel(ShapeKind.NullableBoolean);
            }

            // NullableFormatter writes an unmanaged T? as the raw Nullable<T>, padding and all; otherwise a header of 1 member.
            return inner.IsUnmanagedType
                ? Sized(ShapeKind.RawNullable, type)
                : new ShapeModel(ShapeKind.Nullable, Elements: One(Build(inner, path)));
        }

        if (type is INamedTypeSymbol { TypeKind: TypeKind.Enum, EnumUnderlyingType: { } underlying })
        {
            // An enum is its underlying integer on the wire (sized by it, so an obsolete enum is never named).
            return new ShapeModel(ShapeKind.Fixed, Name(underlying));
        }

        if (type.IsUnmanagedType && !type.IsRefLikeType)
        {
            // Unmanaged structs, [MemoryPackable] ones included, are written raw by MemoryPack's generator and formatters.
            return Sized(ShapeKind.Fixed, type);
        }

        if (type is IArrayTypeSymbol array)
        {
            if (!array.IsSZArray)
            {
                return Unproven(path, $"multi-dimensional array '{type.ToDisplayString()}'");
            }

            return array.ElementType.IsUnmanagedType && array.ElementType is not INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T }
                ? Sized(ShapeKind.UnmanagedArray, array.ElementType)
                : new ShapeModel(ShapeKind.Collection, Elements: One(Build(array.ElementType, path + "[]")));
        }

        if (type is not INamedTypeSymbol named)
        {
            return NoLayout(type, path);
        }

        if (named.IsGenericType && MemoryPackFacts.MetadataName(named.OriginalDefinition) is var generic)
        {
            if (generic == "System.ReadOnlyMemory`1" || generic == "System.Memory`1")
            {
                return named.TypeArguments[0].IsUnmanagedType
                    ? Sized(ShapeKind.UnmanagedArray, named.TypeArguments[0])
                    : new ShapeModel(ShapeKind.Collection, Elements: One(Build(named.TypeArguments[0], path + "[]")));
            }

            if (Sequences.Contains(generic))
            {
                var element = named.TypeArguments[0];

                // ListFormatter writes unmanaged elements as one block; the interface formatters one by one: the same bytes.
                return element.IsUnmanagedType && element is not INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T }
                    ? Sized(ShapeKind.UnmanagedArray, element)
                    : new ShapeModel(ShapeKind.Collection, Elements: One(Build(element, path + "[]")));
            }

            if (Dictionaries.Contains(generic))
            {
                var key = named.TypeArguments[0];
                var value = named.TypeArguments[1];
                if (key.IsUnmanagedType && value.IsUnmanagedType)
                {
                    // KeyValuePairFormatter writes an unmanaged pair raw, padding and all.
                    var pair = $"global::System.Collections.Generic.KeyValuePair<{Name(key)}, {Name(value)}>";
                    return new ShapeModel(ShapeKind.UnmanagedArray, pair, ObsoleteWarnings: ObsoleteWarnings(named));
                }

                // A null key would make Dictionary.Add throw: refused as malformed instead.
                return new ShapeModel(ShapeKind.Dictionary, Elements: new EquatableArray<ShapeModel>(new[]
                {
                    Build(key, path + ".Keys[]") with { NonNull = true },
                    Build(value, path + "[]"),
                }));
            }
        }

        switch (MemoryPackFacts.GetShape(named))
        {
            case PackableShape.Union:
                return Definition(named, path);
            case PackableShape.Members when GenerateTypeOf(named) is GenerateTypeObject && named.DeclaringSyntaxReferences.Length > 0:
                return Definition(named, path);
            case PackableShape.Members when named.DeclaringSyntaxReferences.Length == 0:
                return Unproven(path, $"'{named.ToDisplayString()}' is compiled into another assembly, where the scanner cannot see all the members MemoryPack writes");
            case PackableShape.Members:
                return Unproven(path, $"'{named.ToDisplayString()}' uses GenerateType.{GenerateTypeName(GenerateTypeOf(named))}, whose layout the scanner does not prove; use the default GenerateType.Object");
            case PackableShape.Collection:
                return Unproven(path, $"'{named.ToDisplayString()}' uses GenerateType.Collection; use a List<T> member instead");
            case PackableShape.NoGenerate:
                return Unproven(path, $"'{named.ToDisplayString()}' has a hand-written formatter");
        }

        return NoLayout(type, path);
    }

    /// <summary>
    /// A type the scan has no layout for. When MemoryPack itself would write it (a leaf such as <c>Uri</c>, a container
    /// such as <c>ImmutableArray&lt;T&gt;</c>) that is CGEN3008's to report; anything else breaks a transfer rule
    /// (CGEN1013, CGEN3001, CGEN3004), which reports it, so the reason stays empty and CGEN3008 is silent.
    /// </summary>
    private static ShapeModel NoLayout(ITypeSymbol type, string path)
        => MemoryPackFacts.IsLeaf(type) || (type is INamedTypeSymbol named && MemoryPackFacts.IsKnownContainer(named))
            ? Unproven(path, $"'{type.ToDisplayString()}' has a MemoryPack formatter whose layout the scanner does not model")
            : new ShapeModel(ShapeKind.Unproven);

    private ShapeModel Definition(INamedTypeSymbol type, string path)
    {
        var key = type.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
        if (_ids.TryGetValue(key, out var existing))
        {
            return new ShapeModel(ShapeKind.Definition, Ref: existing);
        }

        var id = UniqueId(type.Name);
        _ids.Add(key, id);
        var index = _definitions.Count;
        _definitions.Add(null!); // reserved: a member may refer back to this type while it is being built

        ShapeDefinition definition;
        if (MemoryPackFacts.GetShape(type) == PackableShape.Union)
        {
            var cases = new List<ShapeCase>();
            foreach (var attribute in type.GetAttributes().Where(a => a.AttributeClass?.Name == "MemoryPackUnionAttribute" && a.ConstructorArguments.Length == 2))
            {
                if (attribute.ConstructorArguments[0].Value is { } tag && attribute.ConstructorArguments[1].Value is INamedTypeSymbol caseType)
                {
                    var caseShape = Build(caseType, path + MemoryPackFacts.CaseSegment(caseType));
                    cases.Add(new ShapeCase(System.Convert.ToUInt16(tag, CultureInfo.InvariantCulture), caseShape.Ref ?? string.Empty));
                    if (caseShape.Kind != ShapeKind.Definition)
                    {
                        // A case that is not itself a provable object: the union cannot be proven.
                        _definitions[index] = new ShapeDefinition(id, DisplayName(type), One(caseShape), default, IsUnion: true);
                        return new ShapeModel(ShapeKind.Definition, Ref: id);
                    }
                }
            }

            definition = new ShapeDefinition(id, DisplayName(type), default, new EquatableArray<ShapeCase>(cases.OrderBy(c => c.Tag)), IsUnion: true);
        }
        else
        {
            var members = new List<ShapeModel>();
            foreach (var member in SerializedMembersInOrder(type))
            {
                var memberPath = path + "." + member.Name;
                members.Add(MemoryPackFacts.HasOwnFormatter(member)
                    ? Unproven(memberPath, "it has a custom formatter or [MemoryPackAllowSerialize], whose bytes the scanner cannot prove")
                    : Build(MemoryPackFacts.MemberType(member), memberPath));
            }

            definition = new ShapeDefinition(id, DisplayName(type), new EquatableArray<ShapeModel>(members), default, IsUnion: false);
        }

        _definitions[index] = definition;
        return new ShapeModel(ShapeKind.Definition, Ref: id);
    }

    /// <summary>
    /// The members MemoryPack's generator serializes, in its order: base types first, a name declared again counted once
    /// where it is declared last, public or [MemoryPackInclude] and not [MemoryPackIgnore], then sorted by
    /// [MemoryPackOrder] (declaration order when there is none; the sort is stable).
    /// </summary>
    private static IEnumerable<ISymbol> SerializedMembersInOrder(INamedTypeSymbol type)
    {
        var all = new List<ISymbol>();
        Collect(type, all);
        var lastByName = new Dictionary<string, int>(System.StringComparer.Ordinal);
        for (var i = 0; i < all.Count; i++)
        {
            lastByName[all[i].Name] = i;
        }

        return all
            .Where((m, i) => lastByName[m.Name] == i)
            .Where(m => !MemoryPackFacts.HasAttribute(m, "MemoryPackIgnoreAttribute")
                        && (MemoryPackFacts.HasAttribute(m, "MemoryPackIncludeAttribute") || m.DeclaredAccessibility == Accessibility.Public))
            .Where(m => m is not IPropertySymbol { IsIndexer: true } and not IPropertySymbol { GetMethod: null })
            .Select((m, i) => (Member: m, Order: ExplicitOrder(m) ?? i))
            .OrderBy(x => x.Order)
            .Select(x => x.Member);

        static void Collect(INamedTypeSymbol? current, List<ISymbol> into)
        {
            if (current is null)
            {
                return;
            }

            Collect(current.BaseType, into);
            into.AddRange(current.GetMembers().Where(m => m is IFieldSymbol or IPropertySymbol
                && !m.IsStatic && !m.IsImplicitlyDeclared && m.CanBeReferencedByName && !m.IsOverride));
        }
    }

    private static int? ExplicitOrder(ISymbol member)
        => member.GetAttributes().FirstOrDefault(a => a.AttributeClass?.Name == "MemoryPackOrderAttribute")?.ConstructorArguments.FirstOrDefault().Value is int order
            ? order
            : null;

    private static int GenerateTypeOf(INamedTypeSymbol type)
        => type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.Name == "MemoryPackableAttribute")?
            .ConstructorArguments.FirstOrDefault(a => a.Type?.Name == "GenerateType").Value as int? ?? GenerateTypeObject;

    private static string GenerateTypeName(int value) => value switch
    {
        1 => "VersionTolerant",
        2 => "CircularReference",
        3 => "Collection",
        4 => "NoGenerate",
        _ => value.ToString(CultureInfo.InvariantCulture),
    };

    private string UniqueId(string name)
    {
        var id = name;
        for (var i = 2; !_usedIds.Add(id); i++)
        {
            id = name + "_" + i.ToString(CultureInfo.InvariantCulture);
        }

        return id;
    }

    private static string DisplayName(ITypeSymbol type) => type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString();

    private static string Name(ITypeSymbol type) => type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(WireTypes.EmitFormat);

    /// <summary>A shape sized by <c>Unsafe.SizeOf</c> of <paramref name="type"/> (an enum by its underlying type).</summary>
    private static ShapeModel Sized(ShapeKind kind, ITypeSymbol type)
        => type is INamedTypeSymbol { TypeKind: TypeKind.Enum, EnumUnderlyingType: { } underlying }
            ? new ShapeModel(kind, Name(underlying))
            : new ShapeModel(kind, Name(type), ObsoleteWarnings: ObsoleteWarnings(type));

    /// <summary>The warnings naming <paramref name="type"/> raises when it or a type argument is obsolete; empty when none.</summary>
    private static string ObsoleteWarnings(ITypeSymbol type)
    {
        if (!SymbolFacts.UsesObsoleteType(type))
        {
            return string.Empty;
        }

        var ids = new SortedSet<string>(System.StringComparer.Ordinal) { "CS0612", "CS0618" };
        Collect(type);
        return string.Join(", ", ids);

        void Collect(ITypeSymbol current)
        {
            foreach (var attribute in current.GetAttributes().Where(a => a.AttributeClass?.ToDisplayString() == "System.ObsoleteAttribute"))
            {
                if (attribute.NamedArguments.FirstOrDefault(a => a.Key == "DiagnosticId").Value.Value is string id)
                {
                    ids.Add(id);
                }
            }

            if (current is INamedTypeSymbol named)
            {
                foreach (var argument in named.TypeArguments)
                {
                    Collect(argument);
                }
            }
        }
    }

    private static EquatableArray<ShapeModel> One(ShapeModel shape) => new(new[] { shape });

    private static ShapeModel Unproven(string path, string reason) => new(ShapeKind.Unproven, Reason: $"'{path}': {reason}");
}
