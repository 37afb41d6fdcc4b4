using System.Buffers.Text;
using System.ComponentModel;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ContractGen.Validation;

/// <summary>
/// The checks generated validators call where plain C# comparisons are not enough. Each returns whether the value
/// passes; generated code builds the <see cref="ArgumentValidationException"/> itself, so the success path allocates
/// nothing.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Checks
{
    /// <summary>How long a regular expression may run when the pattern needs the backtracking engine.</summary>
    public static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Builds a pattern for <c>[RegularExpression]</c>, anchored like DataAnnotations (the whole value must match).
    /// The non-backtracking engine runs in time linear in the input; a pattern it cannot run (backreferences,
    /// lookarounds) falls back to the backtracking engine with <see cref="PatternTimeout"/>, and a timeout fails
    /// the value.
    /// </summary>
    public static Regex CreatePattern(string pattern)
    {
        var anchored = "^(?:" + pattern + ")$";
        try
        {
            return new Regex(anchored, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
        }
        catch (NotSupportedException)
        {
            return new Regex(anchored, RegexOptions.CultureInvariant, PatternTimeout);
        }
    }

    /// <summary>Whether <paramref name="value"/> matches <paramref name="pattern"/> in full; a timeout counts as no match.</summary>
    public static bool Matches(Regex pattern, string value)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        try
        {
            return pattern.IsMatch(value);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    /// <summary>Whether <paramref name="value"/> is valid Base64.</summary>
    public static bool IsBase64(string value) => Base64.IsValid(value);

    /// <summary>
    /// Whether <paramref name="value"/> is a safe relative path: not empty, no NUL, not absolute, no <c>..</c>
    /// segment, and (when <paramref name="root"/> is given) still inside <paramref name="root"/> once combined.
    /// </summary>
    public static bool IsSafePath(string value, string? root)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0 || value.Contains('\0', StringComparison.Ordinal) || Path.IsPathRooted(value) || value.StartsWith('~'))
        {
            return false;
        }

        foreach (var segment in value.Split('/', '\\'))
        {
            if (segment == "..")
            {
                return false;
            }
        }

        if (root is null)
        {
            return true;
        }

        var fullRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)) + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(Path.Combine(fullRoot, value));
        return full.StartsWith(fullRoot, StringComparison.Ordinal);
    }

    /// <summary>Formats a number for a message, invariantly.</summary>
    public static string Format<T>(T value)
        where T : IFormattable
        => value.ToString(null, CultureInfo.InvariantCulture);
}
