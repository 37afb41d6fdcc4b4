namespace ContractGen;

/// <summary>
/// The largest length of each element of the array, list or dictionary (its values) this is on: characters of a
/// string, bytes of a byte buffer, elements of a nested collection. <c>[MaxLength]</c> on a collection bounds only how
/// many elements it has; this bounds each of them. Checked by the generated validator before the implementation runs,
/// failing with the element's path (<c>tags[3]</c>, <c>labels[key]</c>) and the rule <c>[ElementMaxLength]</c>.
/// </summary>
/// <example>
/// <code>
/// Task TagAsync([MaxLength(8), ElementMaxLength(64)] List&lt;string&gt; tags);
/// // List&lt;List&lt;string&gt;&gt;: at most 16 rows of at most 32 strings of at most 100 characters.
/// Task GridAsync([MaxLength(16), ElementMaxLength(32), ElementMaxLength(100, Depth = 2)] List&lt;List&lt;string&gt;&gt; rows);
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property | AttributeTargets.Field, AllowMultiple = true)]
public sealed class ElementMaxLengthAttribute : Attribute
{
    /// <summary>Creates the bound.</summary>
    /// <param name="length">The largest length of each element, at least 0.</param>
    public ElementMaxLengthAttribute(int length) => Length = length;

    /// <summary>The largest length of each element.</summary>
    public int Length { get; }

    /// <summary>
    /// Which elements: 1 (the default) for the collection's own elements, 2 for the elements of those elements, and so
    /// on, for collections of collections.
    /// </summary>
    public int Depth { get; set; } = 1;
}

/// <summary>
/// The largest length of each key of the dictionary this is on (characters of a string key, bytes of a byte-buffer
/// key). <c>[MaxLength]</c> on a dictionary bounds only how many entries it has; this bounds each key. Checked by the
/// generated validator before the implementation runs, failing with the path <c>labels.Keys</c> and the rule
/// <c>[KeyMaxLength]</c>.
/// </summary>
/// <example>
/// <code>
/// Task LabelAsync([MaxLength(32), KeyMaxLength(64), ElementMaxLength(256)] Dictionary&lt;string, string&gt; labels);
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property | AttributeTargets.Field, AllowMultiple = true)]
public sealed class KeyMaxLengthAttribute : Attribute
{
    /// <summary>Creates the bound.</summary>
    /// <param name="length">The largest length of each key, at least 0.</param>
    public KeyMaxLengthAttribute(int length) => Length = length;

    /// <summary>The largest length of each key.</summary>
    public int Length { get; }

    /// <summary>
    /// Which dictionaries' keys: 1 (the default) for the value's own keys, 2 for the keys of dictionaries that are its
    /// elements (<c>List&lt;Dictionary&lt;string, int&gt;&gt;</c>), and so on.
    /// </summary>
    public int Depth { get; set; } = 1;
}
