namespace ContractGen.CodeAnalysis;

/// <summary>The shape of a value being checked: picks how the emitter measures and walks it.</summary>
internal enum CheckShape
{
    /// <summary>A string: lengths in characters, patterns, paths.</summary>
    String,

    /// <summary>A <c>byte[]</c> (measured with <c>.Length</c>).</summary>
    ByteArray,

    /// <summary>A <c>ReadOnlyMemory&lt;byte&gt;</c> (measured with <c>.Length</c>, never null).</summary>
    ByteMemory,

    /// <summary>An array (<c>.Length</c>, elements by index).</summary>
    Array,

    /// <summary>A <c>List&lt;T&gt;</c> (<c>.Count</c>, elements by index).</summary>
    List,

    /// <summary>A <c>Dictionary&lt;TKey,TValue&gt;</c> (<c>.Count</c>, keys and values).</summary>
    Dictionary,

    /// <summary>A <c>Nullable&lt;T&gt;</c>: the element check runs on <c>.Value</c> when there is one.</summary>
    NullableValue,

    /// <summary>A <c>[MemoryPackable]</c> type: its own validator method checks its members.</summary>
    Packable,

    /// <summary>Anything compared directly: numbers, enums, other value types.</summary>
    Scalar,
}

/// <summary>What a rule checks.</summary>
internal enum RuleKind
{
    /// <summary>Not null (declared non-nullable).</summary>
    NotNull,

    /// <summary><c>[Required]</c>: not null, and for strings not empty or white space unless <c>AllowEmptyStrings</c> (Argument = "empty-ok").</summary>
    Required,

    /// <summary>Length or count at least <c>Argument</c>.</summary>
    MinLength,

    /// <summary>Length or count at most <c>Argument</c>.</summary>
    MaxLength,

    /// <summary>Within <c>Argument</c>..<c>Argument2</c> (C# literals); <c>Flags</c> "min-exclusive", "max-exclusive".</summary>
    Range,

    /// <summary>Matches the regular expression <c>Argument</c> in full.</summary>
    Pattern,

    /// <summary>Equals one of <c>Values</c> (C# literals).</summary>
    AllowedValues,

    /// <summary>Equals none of <c>Values</c> (C# literals).</summary>
    DeniedValues,

    /// <summary>A declared enum member: one of <c>Values</c>, or for <c>[Flags]</c> only bits of the mask in <c>Argument</c>.</summary>
    DefinedEnum,

    /// <summary>Valid Base64.</summary>
    Base64,

    /// <summary>A safe relative path, inside the root in <c>Argument</c> when given.</summary>
    SafePath,
}

/// <summary>One rule on one value.</summary>
/// <param name="Kind">What it checks.</param>
/// <param name="Name">The rule's name in messages, e.g. <c>[MaxLength]</c> or <c>the contract's MaxStringLength</c>.</param>
/// <param name="Argument">The main argument (a number, pattern, root or mask), as C# source or text.</param>
/// <param name="Argument2">A second argument (the upper bound of a range).</param>
/// <param name="Values">Literal values for allowed/denied/defined-enum rules, as C# source.</param>
/// <param name="Flags">Modifiers, e.g. <c>min-exclusive</c>, <c>flags</c>, <c>empty-ok</c>, <c>double</c>.</param>
internal sealed record RuleModel(RuleKind Kind, string Name, string Argument, string Argument2, EquatableArray<string> Values, EquatableArray<string> Flags);

/// <summary>Everything to check on one value, and on the values inside it.</summary>
/// <param name="TypeName">The value's C# type (fully qualified).</param>
/// <param name="Shape">How it is measured and walked.</param>
/// <param name="Rules">The rules on the value itself.</param>
/// <param name="Element">The check of each element (arrays, lists), of the value (dictionaries) or of <c>.Value</c> (nullables).</param>
/// <param name="Key">The check of each dictionary key.</param>
/// <param name="Validator">For a packable type, the name of its validator method.</param>
/// <param name="IsValueType">For a packable type, whether it is a struct (never null, so no null guard).</param>
internal sealed record CheckModel(
    string TypeName,
    CheckShape Shape,
    EquatableArray<RuleModel> Rules,
    CheckModel? Element,
    CheckModel? Key,
    string? Validator,
    bool IsValueType = false);

/// <summary>A member of a packable type and its check.</summary>
internal sealed record MemberCheckModel(string Name, CheckModel Check);

/// <summary>The validator method of one <c>[MemoryPackable]</c> type.</summary>
/// <param name="IsObsolete">
/// Whether the method names an obsolete type or member (the type, a checked member or its type), itself or through a
/// validator it calls: it is then marked obsolete too (see <see cref="MethodModel.IsObsolete"/>).
/// </param>
/// <param name="Cases">
/// For an abstract class or interface with <c>[MemoryPackUnion]</c> cases, every case, most derived first (so that no
/// case hides another in the emitted <c>switch</c>); empty for any other type, whose <paramref name="Members"/> are checked instead.
/// </param>
internal sealed record TypeValidatorModel(string TypeName, string MethodName, EquatableArray<MemberCheckModel> Members, bool IsObsolete = false, EquatableArray<UnionCaseModel> Cases = default)
{
    /// <summary>Whether this validator dispatches on the runtime type to the validators of a union's cases.</summary>
    public bool IsUnion => Cases.Count > 0;
}

/// <summary>One case of a union validator.</summary>
/// <param name="TypeName">The case type (fully qualified).</param>
/// <param name="PathSegment">How validation paths name the case, e.g. <c>(Circle)</c> in <c>shape(Circle).Label</c>.</param>
/// <param name="Validator">The case type's validator method; null when none of its members needs a check.</param>
internal sealed record UnionCaseModel(string TypeName, string PathSegment, string? Validator);
