namespace ContractGen.Packaging.Tests.Infrastructure;

/// <summary>Writes a project that uses ContractGen the way a user's does: an SDK project with PackageReferences and nothing else.</summary>
internal static class ConsumerProject
{
    /// <summary>
    /// Writes <paramref name="name"/>.csproj into <paramref name="folder"/> with references to <paramref name="packages"/>
    /// (id and version), warnings as errors (a fresh project must build warning-free), and the given source files.
    /// </summary>
    public static string Write(string folder, string name, string outputType, IEnumerable<(string Id, string Version)> packages, IReadOnlyDictionary<string, string> sources)
    {
        var references = string.Join("\n    ", packages.Select(p => $"""<PackageReference Include="{p.Id}" Version="{p.Version}" />"""));
        var project = Path.Combine(folder, name + ".csproj");
        File.WriteAllText(project, $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>{outputType}</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                {references}
              </ItemGroup>
            </Project>
            """);
        foreach (var (file, text) in sources)
        {
            File.WriteAllText(Path.Combine(folder, file), text);
        }

        return project;
    }

    /// <summary>
    /// <c>dotnet build</c> with no build servers left behind (each test's processes end with it), the output without the
    /// summary so that each diagnostic is printed once.
    /// </summary>
    public static Task<ProcessResult> BuildAsync(PackedFeed feed, string folder, params string[] arguments)
        => feed.DotnetAsync(folder, TimeSpan.FromMinutes(8),
            ["build", "--disable-build-servers", "-nodeReuse:false", "-p:UseSharedCompilation=false", "-clp:NoSummary", .. arguments]);
}
