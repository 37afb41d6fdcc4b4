using System.Globalization;

namespace ContractGen.Helpers.TestHelper;

/// <summary>The test helper's implementation: facts from /proc/self, and crashes on request.</summary>
internal sealed class HelperProbe : IHelperProbe
{
    private readonly List<string> _notes = [];

    /// <summary>The socket path the helper was given, kept for the test that checks it is gone.</summary>
    public static string SocketPath { get; set; } = string.Empty;

    public ValueTask<ProbeFacts> GetFactsAsync(CancellationToken cancellationToken)
    {
        var status = File.ReadAllLines("/proc/self/status");
        var stat = File.ReadAllText("/proc/self/stat");

        // Fields after the command name, which is in parentheses and may contain spaces: state, ppid, ...
        var afterName = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var names = Environment.GetEnvironmentVariables().Keys.Cast<string>().Order(StringComparer.Ordinal).ToArray();
        return ValueTask.FromResult(new ProbeFacts(
            Environment.ProcessId,
            int.Parse(afterName[1], CultureInfo.InvariantCulture),
            EffectiveId(status, "Uid:"),
            EffectiveId(status, "Gid:"),
            Environment.CurrentDirectory,
            names,
            Environment.GetEnvironmentVariable("PROBE_VALUE"),
            Limit("Max open files"),
            Limit("Max core file size"),
            status.Any(l => l.StartsWith("NoNewPrivs:", StringComparison.Ordinal) && l.EndsWith('1')),
            SocketPath));
    }

    public ValueTask<string> EchoAsync(string text) => ValueTask.FromResult(text);

    public ValueTask RememberAsync(string note)
    {
        lock (_notes)
        {
            _notes.Add(note);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<string[]> GetNotesAsync()
    {
        lock (_notes)
        {
            return ValueTask.FromResult(_notes.ToArray());
        }
    }

    public async IAsyncEnumerable<int> CountAsync(int count, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var i = 1; i <= count; i++)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            yield return i;
        }
    }

    public async ValueTask<int> CrashAsync(CrashKind kind, int exitCode)
    {
        // Let the request be fully received and the call be under way before the process ends.
        await Task.Delay(50);
        if (kind == CrashKind.FailFast)
        {
            Environment.FailFast("The test asked the helper to crash.");
        }

        Environment.Exit(exitCode);
        return 0;
    }

    public async ValueTask<int> SleepAsync(int milliseconds, CancellationToken cancellationToken)
    {
        await Task.Delay(milliseconds, cancellationToken);
        return Environment.ProcessId;
    }

    // "Uid:	real	effective	saved	filesystem"
    private static uint EffectiveId(string[] status, string field)
        => uint.Parse(status.First(l => l.StartsWith(field, StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[2], CultureInfo.InvariantCulture);

    // "Max open files            1024                 1024                 files"
    private static long Limit(string name)
    {
        var line = File.ReadAllLines("/proc/self/limits").First(l => l.StartsWith(name, StringComparison.Ordinal));
        var soft = line[name.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        return soft == "unlimited" ? -1 : long.Parse(soft, CultureInfo.InvariantCulture);
    }
}

/// <summary>The implementation of the wrong contract.</summary>
internal sealed class OtherProbe : IOtherProbe
{
    public ValueTask<int> NothingAsync() => ValueTask.FromResult(0);
}
