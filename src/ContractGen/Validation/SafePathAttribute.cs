namespace ContractGen;

/// <summary>
/// The string is a safe relative file name to hand to a privileged process: not empty, no NUL character, not
/// absolute, no <c>..</c> segment, no <c>~</c> prefix, and, when <see cref="Root"/> is set, still inside
/// <see cref="Root"/> once combined with it. Checked by the generated validator before the implementation runs.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property | AttributeTargets.Field, AllowMultiple = false)]
public sealed class SafePathAttribute : Attribute
{
    /// <summary>A directory the path must stay inside, or <see langword="null"/> for any relative path.</summary>
    public string? Root { get; set; }
}
