using System.Diagnostics;

namespace ContractGen.Fuzz;

/// <summary>
/// A finding: the code under test did something other than accept the input or refuse it with a typed ContractGen
/// exception. Escaping a target, it is what SharpFuzz reports to AFL++ as a crash.
/// </summary>
public sealed class FuzzFindingException : Exception
{
    /// <summary>A finding described by <paramref name="message"/>.</summary>
    public FuzzFindingException(string message)
        : base(message)
    {
    }

    /// <summary>A finding caused by <paramref name="innerException"/>.</summary>
    public FuzzFindingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Watches for exceptions that only a defect throws (an index out of range, an overflow, an out-of-memory...) while a
/// target runs, even where the code under test catches or swallows them: the host's read loop ends a connection on
/// any exception, so a bug there would otherwise look like a peer that went away.
/// </summary>
internal static class BugMonitor
{
    private static int s_armed;
    private static string? s_first;

    static BugMonitor()
    {
        AppDomain.CurrentDomain.FirstChanceException += static (_, e) =>
        {
            if (Volatile.Read(ref s_armed) == 1 && IsDefect(e.Exception) && Volatile.Read(ref s_first) is null)
            {
                // The stack is captured here: a first-chance exception has not unwound yet, so its own trace is empty.
                var stack = new StackTrace(1, fNeedFileInfo: false).ToString();
                if (!IsDuplicateKey(e.Exception, stack))
                {
                    Interlocked.CompareExchange(ref s_first, $"{e.Exception.GetType().FullName}: {e.Exception.Message}{Environment.NewLine}{stack}", null);
                }
            }
        };
    }

    /// <summary>Starts watching for one input.</summary>
    public static void Begin()
    {
        Volatile.Write(ref s_first, null);
        Volatile.Write(ref s_armed, 1);
    }

    /// <summary>Stops watching; throws <see cref="FuzzFindingException"/> if a defect's exception was thrown meanwhile.</summary>
    public static void End()
    {
        Volatile.Write(ref s_armed, 0);
        if (Interlocked.Exchange(ref s_first, null) is { } first)
        {
            throw new FuzzFindingException("a defect's exception was thrown while the input was handled (and caught or swallowed): " + first);
        }
    }

    /// <summary>
    /// The one failure left after a successful scan, by design (docs/architecture.md, "Decoding a peer's bytes"): the
    /// same key twice in a dictionary, which only decoding the keys can see. <c>Dictionary.Add</c> throws inside
    /// MemoryPack's formatter and the host refuses the call as malformed (<c>WireFormat.IsDecodeFailure</c>); nothing
    /// was read out of bounds. Any other <see cref="ArgumentException"/> is still a finding.
    /// </summary>
    internal static bool IsDuplicateKey(Exception exception, string stack)
        => exception.GetType() == typeof(ArgumentException)
            && stack.Contains("System.Collections.Generic.Dictionary`2.TryInsert", StringComparison.Ordinal)
            && stack.Contains("MemoryPack.Formatters.DictionaryFormatter`2.Deserialize", StringComparison.Ordinal);

    /// <summary>Exceptions no input may provoke in a decoder that checks what it reads.</summary>
    internal static bool IsDefect(Exception exception) => exception switch
    {
        // Strict UTF-8 decoding may use a throwing decoder and turn its exception into a typed one.
        System.Text.DecoderFallbackException => false,
        IndexOutOfRangeException or ArgumentException or NullReferenceException or OverflowException or InvalidCastException
            or OutOfMemoryException or DivideByZeroException or AccessViolationException or InsufficientExecutionStackException
            or ArrayTypeMismatchException or InvalidProgramException => true,
        _ => false,
    };
}
