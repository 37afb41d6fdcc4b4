using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using ContractGen.Packaging.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ContractGen.Packaging.Tests;

/// <summary>What each package holds and declares: the layout NuGet and the compiler expect, and nothing that would leak
/// a build-time dependency into a consumer.</summary>
public sealed class PackageLayoutTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ContractGen_holds_the_runtime_the_analyzers_the_lock_targets_and_the_tool()
    {
        var feed = await PackedFeed.GetAsync();
        output.WriteLine($"packed {string.Join(", ", PackedFeed.PackageIds)} {feed.Version} in {feed.PackTime.TotalSeconds:F1} s");
        using var package = ZipFile.OpenRead(feed.PackagePath("ContractGen"));
        var entries = package.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        foreach (var expected in new[]
                 {
                     "lib/net10.0/ContractGen.dll", "lib/net10.0/ContractGen.xml",
                     "analyzers/dotnet/cs/ContractGen.Generator.dll", "analyzers/dotnet/cs/ContractGen.Analyzers.dll", "analyzers/dotnet/cs/ContractGen.CodeFixes.dll",
                     "buildTransitive/ContractGen.targets", "buildTransitive/ContractGen.Lock.targets",
                     "tools/contractgen/ContractGen.Tool.dll", "tools/contractgen/ContractGen.Tool.runtimeconfig.json", "tools/contractgen/ContractGen.Tool.deps.json",
                     "README.md", "LICENSE",
                 })
        {
            Assert.True(entries.Contains(expected), $"ContractGen package lacks {expected}; it holds:\n{string.Join('\n', entries.Order())}");
        }

        // Only the runtime is referenced by a consumer's compilation; only the three Roslyn components run in the compiler.
        Assert.Equal(["ContractGen.dll"], entries.Where(e => e.StartsWith("lib/", StringComparison.Ordinal) && e.EndsWith(".dll", StringComparison.Ordinal)).Select(Path.GetFileName));
        Assert.Equal(3, entries.Count(e => e.StartsWith("analyzers/", StringComparison.Ordinal)));

        var nuspec = Nuspec(package);
        Assert.Equal(["MemoryPack", "Microsoft.Extensions.Logging.Abstractions"], Dependencies(nuspec).Select(d => d.Id).Order(StringComparer.Ordinal));
        // MemoryPack's generator must reach the consumer: a dependency excludes analyzers by default.
        var memoryPack = Dependencies(nuspec).Single(d => d.Id == "MemoryPack");
        Assert.True(memoryPack.Exclude is null or "" && memoryPack.Include is null or "All", $"MemoryPack dependency include='{memoryPack.Include}' exclude='{memoryPack.Exclude}'");
        AssertHygiene(nuspec, feed.Version, "ContractGen");

        using var symbols = ZipFile.OpenRead(feed.PackagePath("ContractGen", "snupkg"));
        Assert.Contains(symbols.Entries, e => e.FullName == "lib/net10.0/ContractGen.pdb");
    }

    [Fact]
    public async Task Analyzer_assemblies_need_at_run_time_only_what_the_compiler_provides()
    {
        var feed = await PackedFeed.GetAsync();
        using var package = ZipFile.OpenRead(feed.PackagePath("ContractGen"));
        string[] compiler = ["netstandard", "Microsoft.CodeAnalysis", "Microsoft.CodeAnalysis.CSharp", "System.Collections.Immutable", "System.Memory", "System.Runtime.CompilerServices.Unsafe"];
        // Code fixes run in the IDE, which also loads Workspaces (and the MEF attributes their registration uses).
        string[] ide = [.. compiler, "Microsoft.CodeAnalysis.Workspaces", "Microsoft.CodeAnalysis.CSharp.Workspaces", "System.Composition.AttributedModel"];
        foreach (var entry in package.Entries.Where(e => e.FullName.StartsWith("analyzers/", StringComparison.Ordinal)))
        {
            var allowed = entry.Name == "ContractGen.CodeFixes.dll" ? ide : compiler;
            var references = References(entry);
            var unexpected = references.Except(allowed, StringComparer.Ordinal).ToList();
            Assert.True(unexpected.Count == 0, $"{entry.Name} references {string.Join(", ", unexpected)}, which a consumer's compiler does not have (all: {string.Join(", ", references)})");
        }
    }

    [Fact]
    public async Task Hosting_depends_on_ContractGen_of_the_same_version_with_its_analyzers()
    {
        var feed = await PackedFeed.GetAsync();
        using var package = ZipFile.OpenRead(feed.PackagePath("ContractGen.Extensions.Hosting"));
        Assert.Contains(package.Entries, e => e.FullName == "lib/net10.0/ContractGen.Extensions.Hosting.dll");
        Assert.DoesNotContain(package.Entries, e => e.FullName.EndsWith("/ContractGen.dll", StringComparison.Ordinal));
        var nuspec = Nuspec(package);
        var contractGen = Dependencies(nuspec).Single(d => d.Id == "ContractGen");
        Assert.Equal(feed.Version, contractGen.Version);
        Assert.True(contractGen.Exclude is null or "", $"ContractGen dependency excludes '{contractGen.Exclude}': a project with only the Hosting package would get no generator");
        Assert.DoesNotContain(Dependencies(nuspec), d => d.Id.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) || d.Id.StartsWith("xunit", StringComparison.Ordinal));
        AssertHygiene(nuspec, feed.Version, "ContractGen.Extensions.Hosting");
        Assert.True(File.Exists(feed.PackagePath("ContractGen.Extensions.Hosting", "snupkg")));
    }

    [Fact]
    public async Task Tool_is_a_dotnet_tool_named_contractgen_without_dependencies()
    {
        var feed = await PackedFeed.GetAsync();
        using var package = ZipFile.OpenRead(feed.PackagePath("ContractGen.Tool"));
        var nuspec = Nuspec(package);
        Assert.Equal("DotnetTool", nuspec.Descendants(nuspec.Root!.Name.Namespace + "packageType").Single().Attribute("name")?.Value);
        Assert.Empty(Dependencies(nuspec));
        using var settings = package.Entries.Single(e => e.FullName == "tools/net10.0/any/DotnetToolSettings.xml").Open();
        Assert.Equal("contractgen", XDocument.Load(settings).Descendants("Command").Single().Attribute("Name")?.Value);
        AssertHygiene(nuspec, feed.Version, "ContractGen.Tool");
    }

    /// <summary>What a reviewer expects of every package: id, the run's version, description, license, readme, repository with its commit.</summary>
    private static void AssertHygiene(XDocument nuspec, string version, string id)
    {
        var ns = nuspec.Root!.Name.Namespace;
        var metadata = nuspec.Root.Element(ns + "metadata")!;
        Assert.Equal(id, metadata.Element(ns + "id")?.Value);
        Assert.Equal(version, metadata.Element(ns + "version")?.Value);
        Assert.False(string.IsNullOrWhiteSpace(metadata.Element(ns + "description")?.Value), $"{id} has no description");
        Assert.NotEqual("Package Description", metadata.Element(ns + "description")?.Value);
        Assert.Equal("MIT", metadata.Element(ns + "license")?.Value);
        Assert.Equal("expression", metadata.Element(ns + "license")?.Attribute("type")?.Value);
        Assert.Equal("README.md", metadata.Element(ns + "readme")?.Value);
        var repository = metadata.Element(ns + "repository");
        Assert.True(repository?.Attribute("url")?.Value is { Length: > 0 }, $"{id} names no repository URL:\n{nuspec}");
        // SourceLink's commit: present whenever the packages are packed from a git clone, as the tests are.
        Assert.Matches("^[0-9a-f]{40}$", repository!.Attribute("commit")?.Value ?? "");
    }

    private static XDocument Nuspec(ZipArchive package)
    {
        using var stream = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/', StringComparison.Ordinal)).Open();
        return XDocument.Load(stream);
    }

    private static List<(string Id, string? Version, string? Include, string? Exclude)> Dependencies(XDocument nuspec)
        => nuspec.Descendants(nuspec.Root!.Name.Namespace + "dependency")
            .Select(d => (d.Attribute("id")!.Value, d.Attribute("version")?.Value, d.Attribute("include")?.Value, d.Attribute("exclude")?.Value))
            .ToList();

    private static List<string> References(ZipArchiveEntry entry)
    {
        using var stream = new MemoryStream();
        using (var source = entry.Open())
        {
            source.CopyTo(stream);
        }

        stream.Position = 0;
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        return reader.AssemblyReferences.Select(h => reader.GetString(reader.GetAssemblyReference(h).Name)).Order(StringComparer.Ordinal).ToList();
    }
}
