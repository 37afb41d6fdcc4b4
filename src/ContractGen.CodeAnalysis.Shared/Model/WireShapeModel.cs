using System.Linq;

namespace ContractGen.CodeAnalysis;

/// <summary>How a value is laid out in MemoryPack's format: picks the <c>WireScanner</c> call that proves it.</summary>
internal enum ShapeKind
{
    /// <summary>Raw bytes, <c>Unsafe.SizeOf&lt;TypeName&gt;()</c> of them, every pattern valid (numbers, enums, unmanaged structs).</summary>
    Fixed,

    /// <summary>One byte, 0 or 1.</summary>
    Boolean,

    /// <summary>An unmanaged <c>Nullable&lt;T&gt;</c> written raw: its first byte is the has-value flag (TypeName is the nullable type).</summary>
    RawNullable,

    /// <summary>A <c>bool?</c> written raw: a flag byte and a value byte, both 0 or 1.</summary>
    NullableBoolean,

    /// <summary>A string: a header, then UTF-8.</summary>
    String,

    /// <summary>A count, then that many fixed-size elements as one block (TypeName is the element type).</summary>
    UnmanagedArray,

    /// <summary>A count, then each element (<c>Elements[0]</c>).</summary>
    Collection,

    /// <summary>A count, then each key (<c>Elements[0]</c>) and value (<c>Elements[1]</c>).</summary>
    Dictionary,

    /// <summary>A <c>Nullable&lt;T&gt;</c> of a struct with references: an object header of 1 member, then <c>Elements[0]</c>.</summary>
    Nullable,

    /// <summary>A <c>[MemoryPackable]</c> object or a union: the <see cref="ShapeDefinition"/> named by <c>Ref</c>.</summary>
    Definition,

    /// <summary>A layout the scanner cannot prove (CGEN3008): a custom formatter, a version-tolerant type, a foreign type.</summary>
    Unproven,
}

/// <summary>
/// The wire layout of one value, as the scanner walks it. Plain strings and numbers only, so the generator can cache it.
/// </summary>
/// <param name="Kind">How it is laid out.</param>
/// <param name="TypeName">The C# type whose size a <see cref="ShapeKind.Fixed"/> or <see cref="ShapeKind.UnmanagedArray"/> shape takes.</param>
/// <param name="Elements">The element, key and value shapes of collections and nullables.</param>
/// <param name="Ref">The <see cref="ShapeDefinition.Id"/> of a <see cref="ShapeKind.Definition"/>.</param>
/// <param name="MaxCount">The declared bound of a top-level collection, or -1 when none is checked while scanning.</param>
/// <param name="BoundRule">The name of the rule <paramref name="MaxCount"/> comes from, e.g. <c>[MaxLength]</c>.</param>
/// <param name="Reason">Why an <see cref="ShapeKind.Unproven"/> shape cannot be proven, and the path to it.</param>
/// <param name="NonNull">Whether null is refused while scanning (a dictionary key: MemoryPack would throw a non-protocol exception).</param>
/// <param name="ObsoleteWarnings">
/// When <paramref name="TypeName"/> names an obsolete type, the warnings to suppress around the one statement that sizes it
/// (CS0612, CS0618 and the attribute's own DiagnosticId); empty otherwise.
/// </param>
internal sealed record ShapeModel(
    ShapeKind Kind,
    string TypeName = "",
    EquatableArray<ShapeModel> Elements = default,
    string? Ref = null,
    int MaxCount = -1,
    string BoundRule = "",
    string Reason = "",
    bool NonNull = false,
    string ObsoleteWarnings = "")
{
    /// <summary>Whether MemoryPack's reader decodes this value (directly or inside it), so that it needs a scan first.</summary>
    public bool NeedsScan => Kind is not (ShapeKind.Fixed or ShapeKind.Boolean or ShapeKind.String);

    /// <summary>Whether the layout, with everything inside it that is not a definition, is proven.</summary>
    public bool IsProven => Kind != ShapeKind.Unproven && Elements.All(e => e.IsProven);
}

/// <summary>The layout of one <c>[MemoryPackable]</c> object or union, scanned by a method of its own (types may recurse).</summary>
/// <param name="Id">A C# identifier unique within the contract, naming the scan method.</param>
/// <param name="TypeName">The type's display name, for messages.</param>
/// <param name="Members">For an object, its serialized members in MemoryPack's order.</param>
/// <param name="Cases">For a union, its cases (empty for an object).</param>
/// <param name="IsUnion">Whether this is a union.</param>
internal sealed record ShapeDefinition(string Id, string TypeName, EquatableArray<ShapeModel> Members, EquatableArray<ShapeCase> Cases, bool IsUnion);

/// <summary>One case of a union: its tag and the definition of the case type.</summary>
internal sealed record ShapeCase(ushort Tag, string Ref);
