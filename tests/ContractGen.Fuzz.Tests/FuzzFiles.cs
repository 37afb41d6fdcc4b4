namespace ContractGen.Fuzz.Tests;

/// <summary>Where the fuzz project's corpus, regressions, script and build output are.</summary>
internal static class FuzzFiles
{
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
