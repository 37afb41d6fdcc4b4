using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ContractGen.Fuzz.Tests;

/// <summary>
/// A short, bounded, real AFL++ pass over the three targets through run.sh (instrumented with SharpFuzz). It fails
/// when AFL++ saves a crash or a hang that replays as one. Seconds per target: CONTRACTGEN_FUZZ_SECONDS (default 10); a long run is
/// the same script with a larger value (see tests/ContractGen.Fuzz/README.md).
/// </summary>
public sealed partial class AflPassTests
{
    // More than this many crashes of one target are not all replayed: the first ones already show the defect.
    private const int MaxTriaged = 8;

    [SkippableFact]
    public void A_short_afl_pass_over_every_target_finds_no_crash()
    {
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("CONTRACTGEN_FUZZ_SECONDS"), out var s) && s > 0 ? s : 10;
        var work = Directory.CreateTempSubdirectory("contractgen-fuzz-");
        try
        {
            var (exitCode, output) = RunScript(seconds, work.FullName);
            Skip.If(exitCode == 77, output.Split('\n').FirstOrDefault(l => l.StartsWith("SKIP", StringComparison.Ordinal)) ?? "run.sh skipped");
            Assert.True(exitCode is 0 or 1, $"run.sh failed (exit {exitCode}):\n{output}");

            var crashes = new List<string>();
            foreach (var target in FuzzFiles.Targets)
            {
                var summary = Summary().Match(output.Split('\n').Single(l => l.StartsWith($"fuzz {target}:", StringComparison.Ordinal)));
                Assert.True(summary.Success && long.Parse(summary.Groups["execs"].Value, System.Globalization.CultureInfo.InvariantCulture) > 0,
                    $"AFL++ ran no input of '{target}':\n{output}");

                var found = Finding().Matches(output).Where(m => m.Groups["target"].Value == target).Select(m => m.Groups["file"].Value.Trim()).ToList();
                if (found.Count == 0)
                {
                    continue;
                }

                foreach (var file in found.Take(MaxTriaged))
                {
                    var signature = CrashTriage.Replay(FuzzFiles.FuzzProgram, target, file, out var replay);
                    if (signature is not null)
                    {
                        crashes.Add($"{target}: {signature}\n  input: {file} (copy it to tests/ContractGen.Fuzz/regressions/{target}/)\n{replay}");
                    }
                }
            }

            Assert.True(crashes.Count == 0, "AFL++ found crashes:\n" + string.Join("\n", crashes) + "\n" + output);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static (int ExitCode, string Output) RunScript(int seconds, string work)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
                 {
                     Path.Combine(FuzzFiles.ProjectFolder, "run.sh"), "--seconds", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--from-build", FuzzFiles.BuildFolder, "--work", work, "--findings", Path.Combine(work, "findings"),
                 })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();

        // Generous: the script's own time is 3 × seconds plus instrumenting; this only keeps a broken run from hanging CI.
        if (!process.WaitForExit(TimeSpan.FromSeconds(600 + (3 * seconds))))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("run.sh did not finish:\n" + stdout);
        }

        return (process.ExitCode, stdout + stderr.GetAwaiter().GetResult());
    }

    [GeneratedRegex(@"execs=(?<execs>\d+)")]
    private static partial Regex Summary();

    [GeneratedRegex(@"^finding (?<target>\w+) (crashes|hangs) (?<file>.+)$", RegexOptions.Multiline)]
    private static partial Regex Finding();
}
