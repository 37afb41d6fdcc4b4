using System.Globalization;
using System.Reflection;

namespace ContractGen.Packaging.Tests.Infrastructure;

/// <summary>
/// Every ContractGen package, packed once per test run into a local feed in a temporary folder outside the repository,
/// with a <c>nuget.config</c> there that adds the feed to the machine's own package sources. The test classes share it
/// (packing is the slow part) and each works in a folder of its own beneath <see cref="Root"/>.
/// </summary>
/// <remarks>
/// Two runs never meet: the packages get a version of their own (<see cref="Version"/>), they are restored into a
/// private global-packages folder (so the machine's cache never holds a test package), and packing itself, which writes
/// into the repository's obj/ folders, is serialized across processes by a lock file. Everything else (MemoryPack,
/// Microsoft.Extensions.*) is read from the machine's package cache as a fallback folder, or fetched from its sources.
/// </remarks>
internal sealed class PackedFeed
{
    /// <summary>The packages this repository ships; each test checks its own.</summary>
    public static readonly string[] PackageIds = ["ContractGen", "ContractGen.Extensions.Hosting", "ContractGen.Tool"];

    private static readonly string[] PackedProjects =
    [
        "src/ContractGen.Package/ContractGen.Package.csproj",
        "src/ContractGen.Extensions.Hosting/ContractGen.Extensions.Hosting.csproj",
        "src/ContractGen.Tool/ContractGen.Tool.csproj",
    ];

    private const string FolderPrefix = "contractgen-packaging-";

    private static readonly Lazy<Task<PackedFeed>> Shared = new(CreateAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    private int _folders;

    private PackedFeed(string root, string version, TimeSpan packTime)
    {
        Root = root;
        Version = version;
        PackTime = packTime;
    }

    /// <summary>The temporary folder that holds the feed, the nuget.config and every consumer project.</summary>
    public string Root { get; }

    /// <summary>The folder the packages were packed into.</summary>
    public string Feed => Path.Combine(Root, "feed");

    /// <summary>The private global-packages folder of everything restored beneath <see cref="Root"/>.</summary>
    public string Packages => Path.Combine(Root, "packages");

    /// <summary>The version every package of this run has: 0.1.0-pkgtest.TIME.PID, never one a real feed serves.</summary>
    public string Version { get; }

    /// <summary>How long packing took (reported by the layout test).</summary>
    public TimeSpan PackTime { get; }

    /// <summary>The environment of every dotnet command run beneath <see cref="Root"/>.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["NUGET_PACKAGES"] = Packages };

    /// <summary>The feed, packed on first use.</summary>
    public static Task<PackedFeed> GetAsync() => Shared.Value;

    /// <summary>The path of package <paramref name="id"/> in the feed (<paramref name="extension"/>: nupkg or snupkg).</summary>
    public string PackagePath(string id, string extension = "nupkg") => Path.Combine(Feed, $"{id}.{Version}.{extension}");

    /// <summary>A new, empty folder beneath <see cref="Root"/> for one consumer project.</summary>
    public string NewProjectFolder(string name)
    {
        var folder = Path.Combine(Root, $"{name}-{Interlocked.Increment(ref _folders)}");
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Runs <c>dotnet</c> beneath <see cref="Root"/> with the private packages folder, failing the test on a timeout.</summary>
    public Task<ProcessResult> DotnetAsync(string workingDirectory, TimeSpan timeout, params string[] arguments)
        => ProcessRunner.RunAsync(ProcessRunner.Dotnet, arguments, workingDirectory, timeout, Environment);

    private static async Task<PackedFeed> CreateAsync()
    {
        var repository = Metadata("RepositoryRoot");
        var configuration = Metadata("Configuration");
        RemoveStaleFolders();
        var root = Path.Combine(Path.GetTempPath(), FolderPrefix + Guid.NewGuid().ToString("N")[..12]);
        if (Path.GetFullPath(root).StartsWith(repository + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The temporary folder {root} is inside the repository {repository}: the consumer projects would find its Directory.Build.props.");
        }

        Directory.CreateDirectory(root);
        // The test host is often ended without running this; the next run's RemoveStaleFolders catches up.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteQuietly(root);
        var version = string.Create(CultureInfo.InvariantCulture, $"0.1.0-pkgtest.{DateTime.UtcNow:yyyyMMddHHmmss}.{System.Environment.ProcessId}");
        var feed = new PackedFeed(root, version, TimeSpan.Zero);
        Directory.CreateDirectory(feed.Feed);
        WriteNuGetConfig(feed);

        var started = System.Diagnostics.Stopwatch.StartNew();
        using (await CrossProcessLock.AcquireAsync(Path.Combine(repository, "tests", "ContractGen.Packaging.Tests", "obj", "pack.lock"), TimeSpan.FromMinutes(10)))
        {
            // The projects were built with the tests (ProjectReferences in this project file): pack them as built. Only
            // the package version is this run's, so nothing recompiles.
            var packs = PackedProjects.Select(project => ProcessRunner.RunAsync(
                ProcessRunner.Dotnet,
                ["pack", Path.Combine(repository, project), "--no-build", "-c", configuration, "-o", feed.Feed, $"-p:PackageVersion={version}", "-nodeReuse:false"],
                repository,
                TimeSpan.FromMinutes(5)));
            foreach (var result in await Task.WhenAll(packs))
            {
                if (result.ExitCode != 0)
                {
                    throw new InvalidOperationException($"Packing failed:\n{result}");
                }
            }
        }

        return new PackedFeed(root, version, started.Elapsed);
    }

    /// <summary>
    /// The feed first, then the machine's own sources (this file adds to them and clears nothing), and the machine's
    /// package cache as a read-only fallback so that MemoryPack and the like are not downloaded again.
    /// </summary>
    private static void WriteNuGetConfig(PackedFeed feed)
    {
        var sharedCache = System.Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var fallback = Directory.Exists(sharedCache)
            ? $"""
              <fallbackPackageFolders>
                  <add key="machine-cache" value="{sharedCache}" />
                </fallbackPackageFolders>
              """
            : "";
        File.WriteAllText(Path.Combine(feed.Root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{feed.Packages}" />
              </config>
              <packageSources>
                <add key="contractgen-test-feed" value="{feed.Feed}" />
              </packageSources>
              {fallback}
            </configuration>
            """);
    }

    /// <summary>Earlier runs' folders that nothing touched for hours (a run takes minutes: none of them is in use).</summary>
    private static void RemoveStaleFolders()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            if (Directory.GetLastWriteTimeUtc(folder) < DateTime.UtcNow - TimeSpan.FromHours(3))
            {
                DeleteQuietly(folder);
            }
        }
    }

    private static string Metadata(string key)
        => typeof(PackedFeed).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
           ?? throw new InvalidOperationException($"The test assembly has no '{key}' metadata (set in ContractGen.Packaging.Tests.csproj).");

    private static void DeleteQuietly(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
