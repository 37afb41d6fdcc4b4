using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ContractGen.CodeAnalysis;

/// <summary>
/// Reads the constraints on contract parameters and on the members of <c>[MemoryPackable]</c> types (recursively, through
/// arrays, collections and the cases of <c>[MemoryPackUnion]</c> unions) into <see cref="CheckModel"/>s, adding the contract's default bounds where no attribute
/// sets one. One instance per contract: it collects the type validators the contract needs.
/// </summary>
internal sealed class ValidationParser
{
    private const string DataAnnotations = "System.ComponentModel.DataAnnotations.";
    private const string SafePathAttributeName = "ContractGen.SafePathAttribute";
    private const string ElementMaxLengthAttributeName = "ContractGen.ElementMaxLengthAttribute";
    private const string KeyMaxLengthAttributeName = "ContractGen.KeyMaxLengthAttribute";
    private static readonly string[] EmptyOk = { "empty-ok" };
    private static readonly string[] FlagsFlag = { "flags" };

    private readonly KnownTypes _known;
    private readonly int _maxString;
    private readonly int _maxCollection;
    private readonly int _maxBytes;
    private readonly Dictionary<ITypeSymbol, TypeValidatorModel?> _validators = new(SymbolEqualityComparer.Default);
    private readonly List<TypeValidatorModel> _ordered = new();

    public ValidationParser(KnownTypes known, int maxString, int maxCollection, int maxBytes)
    {
        _known = known;
        _maxString = maxString;
        _maxCollection = maxCollection;
        _maxBytes = maxBytes;
    }

    /// <summary>The validators of the packable types reached so far, in a stable order.</summary>
    public IReadOnlyList<TypeValidatorModel> TypeValidators => _ordered;

    /// <summary>The check of a parameter, or null when it needs none.</summary>
    public CheckModel? ForParameter(IParameterSymbol parameter)
        => Build(parameter.Type, parameter.GetAttributes(), topLevelParameter: true);

    /// <summary>
    /// The check of a value of <paramref name="type"/> with <paramref name="attributes"/>, or of an element inside one:
    /// <paramref name="level"/> collection steps below the attributed value, whose <c>[ElementMaxLength]</c> and
    /// <c>[KeyMaxLength]</c> bounds are <paramref name="bounds"/> (an element has no attributes of its own).
    /// </summary>
    private CheckModel? Build(ITypeSymbol type, ImmutableArray<AttributeData> attributes, bool topLevelParameter = false,
        IReadOnlyList<ElementBound>? bounds = null, int level = 0, bool isKey = false)
    {
        bounds ??= ReadElementBounds(attributes);
        var levelBound = level == 0 ? null : FindBound(bounds, level, isKey);
        var rules = new List<RuleModel>();
        var name = type.ToDisplayString(WireTypes.EmitFormat);

        // A parameter declared non-nullable is already refused as null while decoding; members and elements are not.
        if (!topLevelParameter && type.IsReferenceType && type.NullableAnnotation == NullableAnnotation.NotAnnotated)
        {
            rules.Add(Rule(RuleKind.NotNull, "its non-nullable declaration"));
        }

        if (Find(attributes, "RequiredAttribute") is { } required)
        {
            var allowEmpty = required.NamedArguments.Any(a => a.Key == "AllowEmptyStrings" && a.Value.Value is true);
            rules.Add(Rule(RuleKind.Required, "[Required]", flags: allowEmpty ? EmptyOk : Array.Empty<string>()));
        }

        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            var inner = Build(nullable.TypeArguments[0], attributes, bounds: bounds, level: level, isKey: isKey);
            return rules.Count == 0 && inner is null ? null : Model(name, CheckShape.NullableValue, rules, inner);
        }

        switch (Classify(type, out var element, out var key))
        {
            case CheckShape.String:
                AddLengthRules(rules, attributes, _maxString, "MaxStringLength", levelBound);
                AddValueRules(rules, attributes, isString: true);
                if (Find(attributes, "RegularExpressionAttribute")?.ConstructorArguments.FirstOrDefault().Value is string pattern)
                {
                    rules.Add(Rule(RuleKind.Pattern, "[RegularExpression]", pattern));
                }

                if (Find(attributes, "Base64StringAttribute") is not null)
                {
                    rules.Add(Rule(RuleKind.Base64, "[Base64String]"));
                }

                if (FindExact(attributes, SafePathAttributeName) is { } safePath)
                {
                    var root = safePath.NamedArguments.FirstOrDefault(a => a.Key == "Root").Value.Value as string;
                    rules.Add(Rule(RuleKind.SafePath, "[SafePath]", root ?? string.Empty));
                }

                return Model(name, CheckShape.String, rules, null);

            case CheckShape.ByteArray:
            case CheckShape.ByteMemory:
                AddLengthRules(rules, attributes, _maxBytes, "MaxByteLength", levelBound);
                return Model(name, Classify(type, out _, out _), rules, null);

            case CheckShape.Array:
            case CheckShape.List:
            case CheckShape.Dictionary:
                AddLengthRules(rules, attributes, _maxCollection, "MaxCollectionLength", levelBound);
                var elementCheck = Build(element!, ImmutableArray<AttributeData>.Empty, bounds: bounds, level: level + 1);
                var keyCheck = key is null ? null : Build(key, ImmutableArray<AttributeData>.Empty, bounds: bounds, level: level + 1, isKey: true);
                return Model(name, Classify(type, out _, out _), rules, elementCheck, keyCheck);

            case CheckShape.Packable:
                var validator = GetValidator(type);
                return rules.Count == 0 && validator is null ? null : Model(name, CheckShape.Packable, rules, null, null, validator?.MethodName)! with { IsValueType = type.IsValueType };

            default:
                AddRangeRule(rules, attributes);
                AddValueRules(rules, attributes, isString: false);
                if (type.TypeKind == TypeKind.Enum)
                {
                    rules.Add(DefinedEnumRule((INamedTypeSymbol)type));
                }

                return rules.Count == 0 ? null : Model(name, CheckShape.Scalar, rules, null);
        }
    }

    private CheckShape Classify(ITypeSymbol type, out ITypeSymbol? element, out ITypeSymbol? key)
        => Classify(type, _known, out element, out key);

    /// <summary>
    /// How a value of <paramref name="type"/> is measured and walked; <paramref name="element"/> and <paramref name="key"/>
    /// are the element (or dictionary value) and key types of a collection.
    /// </summary>
    public static CheckShape Classify(ITypeSymbol type, KnownTypes known, out ITypeSymbol? element, out ITypeSymbol? key)
    {
        element = null;
        key = null;
        if (type.SpecialType == SpecialType.System_String)
        {
            return CheckShape.String;
        }

        if (type is IArrayTypeSymbol array)
        {
            element = array.ElementType;
            return array.ElementType.SpecialType == SpecialType.System_Byte ? CheckShape.ByteArray : CheckShape.Array;
        }

        if (type is INamedTypeSymbol named)
        {
            var definition = named.OriginalDefinition;
            if (SymbolEqualityComparer.Default.Equals(definition, known.ReadOnlyMemoryOfT))
            {
                return CheckShape.ByteMemory;
            }

            if (SymbolEqualityComparer.Default.Equals(definition, known.ListOfT))
            {
                element = named.TypeArguments[0];
                return CheckShape.List;
            }

            if (SymbolEqualityComparer.Default.Equals(definition, known.DictionaryOfTKeyTValue))
            {
                key = named.TypeArguments[0];
                element = named.TypeArguments[1];
                return CheckShape.Dictionary;
            }

            if (known.MemoryPackableAttribute is not null
                && named.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, known.MemoryPackableAttribute)))
            {
                return CheckShape.Packable;
            }
        }

        return CheckShape.Scalar;
    }

    /// <summary>The validator of a packable type; null when none of its members needs a check. Cycles are allowed.</summary>
    private TypeValidatorModel? GetValidator(ITypeSymbol type)
    {
        var plain = type.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
        if (_validators.TryGetValue(plain, out var existing))
        {
            return existing;
        }

        var methodName = "__Validate_" + new string(plain.ToDisplayString(WireTypes.SignatureFormat).Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray());
        var placeholder = new TypeValidatorModel(plain.ToDisplayString(WireTypes.EmitFormat), methodName, default);

        // A recursive type refers to its own validator while it is being built.
        _validators[plain] = placeholder;
        if (MemoryPackFacts.GetShape(plain) == PackableShape.Union)
        {
            return Register(plain, UnionValidator((INamedTypeSymbol)plain, placeholder));
        }

        var members = new List<MemberCheckModel>();
        var obsolete = SymbolFacts.UsesObsoleteType(plain);
        foreach (var member in SerializedMembers((INamedTypeSymbol)plain))
        {
            var memberType = MemoryPackFacts.MemberType(member);
            var check = Build(memberType, AttributesOf(member));
            if (check is not null)
            {
                members.Add(new MemberCheckModel(member.Name, check));

                // The validator reads the member and may name its type (enum values): neither may be obsolete outside an obsolete member.
                obsolete |= SymbolFacts.IsObsolete(member) || SymbolFacts.UsesObsoleteType(memberType);
            }
        }

        var model = members.Count == 0 ? null : placeholder with { Members = new EquatableArray<MemberCheckModel>(members), IsObsolete = obsolete };
        return Register(plain, model);
    }

    private TypeValidatorModel? Register(ITypeSymbol type, TypeValidatorModel? model)
    {
        _validators[type] = model;
        if (model is not null)
        {
            _ordered.Add(model);
        }

        return model;
    }

    /// <summary>
    /// The validator of a union: MemoryPack decodes a case type, whose members are checked by that case's validator.
    /// Null when no case has anything to check (then nothing the client can send through the union needs a check).
    /// </summary>
    private TypeValidatorModel? UnionValidator(INamedTypeSymbol union, TypeValidatorModel placeholder)
    {
        // Most derived first: a case deriving from another case would otherwise be caught by its base's switch label.
        var cases = MemoryPackFacts.UnionCases(union)
            .Distinct<INamedTypeSymbol>(SymbolEqualityComparer.Default)
            .Select((type, order) => (Type: type, Order: order, Depth: InheritanceDepth(type)))
            .OrderByDescending(c => c.Depth)
            .ThenBy(c => c.Order)
            .Select(c => c.Type)
            .ToList();
        var models = cases
            .Select(type => new UnionCaseModel(type.ToDisplayString(WireTypes.EmitFormat), MemoryPackFacts.CaseSegment(type), GetValidator(type)?.MethodName))
            .ToList();
        if (models.All(c => c.Validator is null))
        {
            return null;
        }

        // The switch names every case type, so an obsolete one makes the whole method obsolete.
        var obsolete = SymbolFacts.UsesObsoleteType(union) || cases.Any(SymbolFacts.UsesObsoleteType);
        return placeholder with { Cases = new EquatableArray<UnionCaseModel>(models), IsObsolete = obsolete };
    }

    private static int InheritanceDepth(ITypeSymbol type)
    {
        var depth = 0;
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            depth++;
        }

        return depth;
    }

    /// <summary>
    /// The members MemoryPack serializes that a generated validator can read: <see cref="MemoryPackFacts.SerializedMembers"/>
    /// (one definition for the validators, the safety rules and the transfer rules, inherited members included), less
    /// non-public <c>[MemoryPackInclude]</c> ones, which code outside the type cannot see.
    /// </summary>
    public static IEnumerable<ISymbol> SerializedMembers(INamedTypeSymbol type)
        => MemoryPackFacts.SerializedMembers(type).Where(m => m.DeclaredAccessibility == Accessibility.Public);

    /// <summary>
    /// The attributes on a member, plus, for a positional record's property, those written on its constructor
    /// parameter (where C# puts <c>[MaxLength(8)] string Sku</c> unless the author writes <c>property:</c>).
    /// </summary>
    public static ImmutableArray<AttributeData> AttributesOf(ISymbol member)
    {
        var attributes = member.GetAttributes();
        if (member is IPropertySymbol && member.ContainingType.IsRecord)
        {
            var parameter = member.ContainingType.InstanceConstructors
                .SelectMany(c => c.Parameters)
                .FirstOrDefault(p => p.Name == member.Name);
            if (parameter is not null)
            {
                attributes = attributes.AddRange(parameter.GetAttributes());
            }
        }

        return attributes;
    }

    /// <summary>
    /// Whether an attribute on the value sets its largest length: <c>[MaxLength(n)]</c>, <c>[Length]</c> or
    /// <c>[StringLength]</c> (a bare <c>[MaxLength]</c> means the contract's default, so it does not count).
    /// </summary>
    public static bool HasMaxLengthAttribute(ImmutableArray<AttributeData> attributes) => ReadMaxLength(attributes).Max is > 0;

    /// <summary>
    /// The <c>[ElementMaxLength]</c> and <c>[KeyMaxLength]</c> bounds on a value, for its elements and keys at each depth
    /// (1 = the value's own elements or keys). A later attribute for the same depth wins.
    /// </summary>
    public static IReadOnlyList<ElementBound> ReadElementBounds(ImmutableArray<AttributeData> attributes)
    {
        List<ElementBound>? bounds = null;
        foreach (var attribute in attributes)
        {
            var fullName = attribute.AttributeClass?.ToDisplayString();
            var isKey = fullName == KeyMaxLengthAttributeName;
            if ((isKey || fullName == ElementMaxLengthAttributeName) && attribute.ConstructorArguments.FirstOrDefault().Value is int length)
            {
                var depth = attribute.NamedArguments.FirstOrDefault(a => a.Key == "Depth").Value.Value as int? ?? 1;
                (bounds ??= new List<ElementBound>()).Add(new ElementBound(depth, isKey, length));
            }
        }

        return bounds ?? (IReadOnlyList<ElementBound>)Array.Empty<ElementBound>();
    }

    /// <summary>The bound for the elements (or keys) <paramref name="depth"/> collection steps below the value, if one is set.</summary>
    public static ElementBound? FindBound(IReadOnlyList<ElementBound> bounds, int depth, bool isKey)
    {
        ElementBound? found = null;
        foreach (var bound in bounds)
        {
            if (bound.Depth == depth && bound.IsKey == isKey)
            {
                found = bound;
            }
        }

        return found;
    }

    /// <summary>Whether the value carries <c>[SafePath]</c>, with or without a root.</summary>
    public static bool HasSafePath(ImmutableArray<AttributeData> attributes) => FindExact(attributes, SafePathAttributeName) is not null;

    // The largest length an attribute sets, and its name; later attributes win as the emitted checks always had it.
    private static (int? Max, string Name) ReadMaxLength(ImmutableArray<AttributeData> attributes)
    {
        (int? Max, string Name) max = (null, string.Empty);
        if (Find(attributes, "MaxLengthAttribute") is { } maxAttribute)
        {
            max = (maxAttribute.ConstructorArguments.FirstOrDefault().Value as int? ?? -1, "[MaxLength]");
        }

        if (Find(attributes, "LengthAttribute") is { ConstructorArguments.Length: 2 } length)
        {
            max = ((int)length.ConstructorArguments[1].Value!, "[Length]");
        }

        if (Find(attributes, "StringLengthAttribute") is { } stringLength)
        {
            max = ((int)stringLength.ConstructorArguments[0].Value!, "[StringLength]");
        }

        return max;
    }

    private static void AddLengthRules(List<RuleModel> rules, ImmutableArray<AttributeData> attributes, int defaultMax, string defaultName, ElementBound? levelBound = null)
    {
        int? min = null;
        string minName = string.Empty;
        if (Find(attributes, "MinLengthAttribute")?.ConstructorArguments.FirstOrDefault().Value is int minLength)
        {
            (min, minName) = (minLength, "[MinLength]");
        }

        if (Find(attributes, "LengthAttribute") is { ConstructorArguments.Length: 2 } length)
        {
            (min, minName) = ((int)length.ConstructorArguments[0].Value!, "[Length]");
        }

        if (Find(attributes, "StringLengthAttribute")?.NamedArguments.FirstOrDefault(a => a.Key == "MinimumLength").Value.Value is int minimum)
        {
            (min, minName) = (minimum, "[StringLength]");
        }

        // An element has no attributes of its own: its bound comes from [ElementMaxLength] or [KeyMaxLength] on the value.
        var (max, maxName) = levelBound is { } bound
            ? (bound.Length, bound.IsKey ? "[KeyMaxLength]" : "[ElementMaxLength]")
            : ReadMaxLength(attributes);

        if (min is > 0)
        {
            rules.Add(Rule(RuleKind.MinLength, minName, min.Value.ToString(CultureInfo.InvariantCulture)));
        }

        // [MaxLength] without an argument (-1) means "the largest the store allows": the contract's default. An element
        // bound of 0 is a real bound (only empty elements), since it cannot be written by accident.
        var chosen = max is > 0 || (levelBound is not null && max is >= 0);
        var effectiveMax = chosen ? max!.Value : defaultMax;
        rules.Add(Rule(RuleKind.MaxLength, chosen ? maxName : "the contract's " + defaultName, effectiveMax.ToString(CultureInfo.InvariantCulture)));
    }

    private static void AddRangeRule(List<RuleModel> rules, ImmutableArray<AttributeData> attributes)
    {
        if (Find(attributes, "RangeAttribute") is not { ConstructorArguments.Length: 2 } range)
        {
            return;
        }

        var flags = new List<string>();
        if (range.NamedArguments.Any(a => a.Key == "MinimumIsExclusive" && a.Value.Value is true))
        {
            flags.Add("min-exclusive");
        }

        if (range.NamedArguments.Any(a => a.Key == "MaximumIsExclusive" && a.Value.Value is true))
        {
            flags.Add("max-exclusive");
        }

        if (range.ConstructorArguments[0].Value is double)
        {
            flags.Add("double");
        }

        rules.Add(new RuleModel(RuleKind.Range, "[Range]", Literal(range.ConstructorArguments[0].Value), Literal(range.ConstructorArguments[1].Value), default, new EquatableArray<string>(flags)));
    }

    private static void AddValueRules(List<RuleModel> rules, ImmutableArray<AttributeData> attributes, bool isString)
    {
        foreach (var (attributeName, kind) in new[] { ("AllowedValuesAttribute", RuleKind.AllowedValues), ("DeniedValuesAttribute", RuleKind.DeniedValues) })
        {
            if (Find(attributes, attributeName) is { ConstructorArguments.Length: 1 } values && values.ConstructorArguments[0].Kind == TypedConstantKind.Array)
            {
                var literals = values.ConstructorArguments[0].Values.Select(v => Literal(v.Value));
                rules.Add(new RuleModel(kind, "[" + attributeName.Replace("Attribute", string.Empty) + "]", string.Empty, string.Empty, new EquatableArray<string>(literals), default));
            }
        }

        // [EnumDataType(typeof(E))] on a number or a string: the value must be one of E's members (by value or name).
        if (Find(attributes, "EnumDataTypeAttribute")?.ConstructorArguments.FirstOrDefault().Value is INamedTypeSymbol { TypeKind: TypeKind.Enum } enumType)
        {
            var members = enumType.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue);
            rules.Add(new RuleModel(RuleKind.AllowedValues, "[EnumDataType]", string.Empty, string.Empty,
                new EquatableArray<string>(members.Select(f => isString ? Literal(f.Name) : Literal(f.ConstantValue))), default));
        }
    }

    private static RuleModel DefinedEnumRule(INamedTypeSymbol enumType)
    {
        var typeName = enumType.ToDisplayString(WireTypes.EmitFormat);
        var members = enumType.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue).ToList();
        if (enumType.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "System.FlagsAttribute"))
        {
            var mask = members.Aggregate(0UL, (acc, f) => acc | ToBits(f.ConstantValue!));
            return new RuleModel(RuleKind.DefinedEnum, $"the members of {enumType.Name}", "0x" + mask.ToString("X", CultureInfo.InvariantCulture) + "UL", string.Empty, default, new EquatableArray<string>(FlagsFlag));
        }

        return new RuleModel(RuleKind.DefinedEnum, $"the members of {enumType.Name}", string.Empty, string.Empty,
            new EquatableArray<string>(members.Select(f => typeName + "." + f.Name)), default);
    }

    // An enum constant's bits, whatever its underlying type (a negative signed value sets the high bits).
    private static ulong ToBits(object value) => value switch
    {
        ulong u => u,
        sbyte or short or int or long => unchecked((ulong)Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        _ => Convert.ToUInt64(value, CultureInfo.InvariantCulture),
    };

    private static RuleModel Rule(RuleKind kind, string name, string argument = "", IEnumerable<string>? flags = null)
        => new(kind, name, argument, string.Empty, default, new EquatableArray<string>(flags ?? Array.Empty<string>()));

    private static CheckModel? Model(string typeName, CheckShape shape, List<RuleModel> rules, CheckModel? element, CheckModel? key = null, string? validator = null)
        => rules.Count == 0 && element is null && key is null && validator is null
            ? null
            : new CheckModel(typeName, shape, new EquatableArray<RuleModel>(rules), element, key, validator);

    private static AttributeData? Find(ImmutableArray<AttributeData> attributes, string name)
        => FindExact(attributes, DataAnnotations + name);

    private static AttributeData? FindExact(ImmutableArray<AttributeData> attributes, string fullName)
        => attributes.FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == fullName);

    private static string Literal(object? value) => value switch
    {
        null => "null",
        string s => SymbolDisplay.FormatLiteral(s, quote: true),
        bool b => b ? "true" : "false",
        char c => SymbolDisplay.FormatLiteral(c, quote: true),
        double d => d.ToString("R", CultureInfo.InvariantCulture) + "d",
        float f => f.ToString("R", CultureInfo.InvariantCulture) + "f",
        long l => l.ToString(CultureInfo.InvariantCulture) + "L",
        ulong u => u.ToString(CultureInfo.InvariantCulture) + "UL",
        uint u => u.ToString(CultureInfo.InvariantCulture) + "U",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => SymbolDisplay.FormatLiteral(value.ToString() ?? string.Empty, quote: true),
    };
}

/// <summary>An <c>[ElementMaxLength]</c> or <c>[KeyMaxLength]</c> bound: the largest length of the elements (or keys) <see cref="Depth"/> collection steps below the value.</summary>
internal readonly record struct ElementBound(int Depth, bool IsKey, int Length);
