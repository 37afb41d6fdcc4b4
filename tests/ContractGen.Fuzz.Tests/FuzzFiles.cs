using System.Security.Cryptography;

namespace ContractGen.Fuzz.Tests;

/// <summary>Where the fuzz project's corpus, regressions, script and build output are.</summary>
internal static class FuzzFiles
{
    /// <summary>The folder of a regression input that still crashes on this branch: listed, replayed only once fixed.</summary>
    public const string KnownCrash = "known-crash";

    /// <summary>Why a known crash is not replayed.</summary>
    public const string KnownCrashReason = "known finding, fixed by h-guard (strict handshake and decoders); remove skip on merge by moving the file out of known-crash/";

    public static string ProjectFolder { get; } = FindProjectFolder();

    public static string[] Targets { get; } = ["frames", "handshake", "dispatch"];

    /// <summary>The fuzz program as the build of this test run produced it (same configuration).</summary>
    public static string BuildFolder
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
            return Path.Combine(ProjectFolder, "bin", configuration, "net10.0");
        }
    }

    public static string FuzzProgram => Path.Combine(BuildFolder, "ContractGen.Fuzz.dll");

    /// <summary>Every checked-in input: (target, kind, path relative to the fuzz project).</summary>
    public static IEnumerable<(string Target, string Kind, string RelativePath)> Inputs()
    {
        foreach (var target in Targets)
        {
            foreach (var (kind, folder) in new[] { ("corpus", Path.Combine("corpus", target)), ("regression", Path.Combine("regressions", target)) })
            {
                var full = Path.Combine(ProjectFolder, folder);
                if (!Directory.Exists(full))
                {
                    continue;
                }

                foreach (var file in Directory.EnumerateFiles(full, "*.bin", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                {
                    yield return (target, kind, Path.GetRelativePath(ProjectFolder, file));
                }
            }
        }
    }

    /// <summary>The known crashes of <paramref name="target"/>: regressions/&lt;target&gt;/known-crash/*.bin.</summary>
    public static string[] KnownCrashes(string target)
    {
        var folder = Path.Combine(ProjectFolder, "regressions", target, KnownCrash);
        return Directory.Exists(folder) ? [.. Directory.EnumerateFiles(folder, "*.bin").Order(StringComparer.Ordinal)] : [];
    }

    /// <summary>
    /// Whether <paramref name="path"/> is a known crash: in a known-crash folder, or a corpus seed with the same bytes as
    /// one (the killer frame is both a seed and a known crash).
    /// </summary>
    public static bool IsKnownCrash(string target, string path)
    {
        if (path.Split(Path.DirectorySeparatorChar).Contains(KnownCrash))
        {
            return true;
        }

        var hash = Hash(File.ReadAllBytes(path));
        return KnownCrashes(target).Any(k => Hash(File.ReadAllBytes(k)) == hash);
    }

    private static string Hash(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes));

    private static string FindProjectFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "ContractGen.Fuzz");
            if (File.Exists(Path.Combine(candidate, "ContractGen.Fuzz.csproj")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("tests/ContractGen.Fuzz was not found above " + AppContext.BaseDirectory);
    }
}
