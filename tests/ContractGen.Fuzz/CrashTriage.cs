using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ContractGen.Fuzz;

/// <summary>
/// Names a crash by what failed and where: the exception type and the first frame inside MemoryPack or ContractGen
/// (the harness's own frames skipped), so that the hundreds of inputs AFL++ saves for one defect group into one, and
/// a crash of a kind already known can be told from a new one.
/// </summary>
public static partial class CrashTriage
{
    /// <summary>
    /// Runs <paramref name="file"/> through <paramref name="target"/> in a child process of the fuzz program at
    /// <paramref name="fuzzProgram"/> (an input may end the process) and returns its signature, or
    /// <see langword="null"/> when it does not fail.
    /// </summary>
    public static string? Replay(string fuzzProgram, string target, string file, out string output)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { fuzzProgram, "replay", target, file })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            output = stdout;
            return "hang: the replay did not finish within 60 s";
        }

        output = stdout + stderr.GetAwaiter().GetResult();
        return process.ExitCode == 0 ? null : Signature(output);
    }

    /// <summary>The signature of a failure from what the fuzz program printed about it.</summary>
    public static string Signature(string output)
    {
        var exception = ExceptionType().Match(output);
        var frame = OwnFrame().Matches(output).Select(m => m.Groups["method"].Value).FirstOrDefault(m => !m.StartsWith("ContractGen.Fuzz.", StringComparison.Ordinal) || m.StartsWith("ContractGen.Fuzz.Contracts.", StringComparison.Ordinal));
        if (exception.Success)
        {
            return $"{exception.Value} at {Owner(frame)}";
        }

        // A finding without an exception (a hang, a dropped connection, a result that contradicts the input): its message.
        var finding = FindingMessage().Match(output);
        return Digits().Replace(finding.Success ? finding.Groups["message"].Value.Trim() : output.Trim().Split('\n')[^1], "#");
    }

    /// <summary>
    /// Where a frame's code comes from. MemoryPack's own readers and the Deserialize methods its generator writes into
    /// [MemoryPackable] types are one place, MemoryPack: the lenient reader issue 11 replaces as a whole, whichever of
    /// its formatters a mutation happens to reach first. ContractGen's frames are named by method, with the compiler's
    /// file-local prefix (a hash of the source path, which differs between clones) removed.
    /// </summary>
    private static string Owner(string? frame)
    {
        if (frame is null)
        {
            return "?";
        }

        if (frame.StartsWith("MemoryPack.", StringComparison.Ordinal) || frame.Contains(".MemoryPack.IMemoryPackable<", StringComparison.Ordinal))
        {
            return "MemoryPack";
        }

        return FileLocalPrefix().Replace(frame, "");
    }

    [GeneratedRegex(@"<[^>]*>F[0-9A-F]+__")]
    private static partial Regex FileLocalPrefix();

    [GeneratedRegex(@"System(\.\w+)*\.\w*Exception")]
    private static partial Regex ExceptionType();

    [GeneratedRegex(@"^\s*at (?<method>(MemoryPack|ContractGen)[\w.`<>+]*?)(\[[^\]]*\])?\(", RegexOptions.Multiline)]
    private static partial Regex OwnFrame();

    [GeneratedRegex(@"FuzzFindingException: (?<message>[^\r\n]*)")]
    private static partial Regex FindingMessage();

    [GeneratedRegex(@"\d+")]
    private static partial Regex Digits();
}
