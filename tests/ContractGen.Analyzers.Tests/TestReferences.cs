using System.Collections.Immutable;
using System.Reflection;
using Basic.Reference.Assemblies;
using MemoryPack;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;

namespace ContractGen.Analyzers.Tests;

/// <summary>
/// What the compilations under test reference: the .NET 10 reference assemblies embedded in
/// Basic.Reference.Assemblies.Net100, the ContractGen runtime, MemoryPack.Core and Microsoft.Extensions.Logging.Abstractions. Nothing is downloaded.
/// </summary>
internal static class TestReferences
{
    /// <summary>
    /// An empty set for the Roslyn testing packages: no reference-assembly package and no NuGet packages, so
    /// <see cref="ReferenceAssemblies.ResolveAsync"/> has nothing to resolve and downloads nothing (unlike
    /// <c>ReferenceAssemblies.Net.Net100</c>, which fetches Microsoft.NETCore.App.Ref). The real references are added
    /// through <see cref="All"/>; <c>ReferenceAssembliesTests</c> pins this down.
    /// </summary>
    public static ReferenceAssemblies None { get; } = new("net10.0");

    /// <summary>Every metadata reference a consumer's compilation has.</summary>
    public static ImmutableArray<MetadataReference> All { get; } = Net100.References.All
        .Cast<MetadataReference>()
        .Append(MetadataReference.CreateFromFile(typeof(ServiceContractAttribute).Assembly.Location))
        .Append(MetadataReference.CreateFromFile(typeof(MemoryPackableAttribute).Assembly.Location))

        // ServiceHost's constructor takes an ILoggerFactory: code that creates a host needs to see its assembly.
        .Append(MetadataReference.CreateFromFile(typeof(Microsoft.Extensions.Logging.ILoggerFactory).Assembly.Location))
        .ToImmutableArray();

    /// <summary>Only the framework: a compilation that cannot see <c>ContractGen.ServiceContractAttribute</c>.</summary>
    public static ImmutableArray<MetadataReference> FrameworkOnly { get; } = Net100.References.All.Cast<MetadataReference>().ToImmutableArray();

    /// <summary>
    /// The parse options of every test: the newest language version the test's Roslyn knows, and the symbols a net10.0
    /// build defines (MemoryPack's generator reads <c>NET7_0_OR_GREATER</c> to pick the shape of what it emits).
    /// </summary>
    public static CSharpParseOptions ParseOptions { get; } = new(
        LanguageVersion.Latest,
        preprocessorSymbols: new[] { "NET", "NETCOREAPP", "NET10_0" }
            .Concat(Enumerable.Range(5, 6).Select(v => $"NET{v}_0_OR_GREATER"))
            .Concat(new[] { "NETCOREAPP3_1_OR_GREATER", "NETSTANDARD2_1_OR_GREATER" }));

    /// <summary>A library compilation with nullable reference types on, as the samples build.</summary>
    public static CSharpCompilation CreateCompilation(IEnumerable<string> sources, IEnumerable<MetadataReference>? references = null)
        => CSharpCompilation.Create(
            "ContractGen.TestContracts",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"Contract{i}.cs")),
            references ?? All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    /// <summary>
    /// MemoryPack's source generator, loaded from the copy the build puts beside the tests: ContractGen's generated
    /// code needs the formatters it writes for <c>[MemoryPackable]</c> types.
    /// </summary>
    public static ImmutableArray<IIncrementalGenerator> LoadMemoryPackGenerators()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "generators", "MemoryPack.Generator.dll");
        var assembly = Assembly.LoadFrom(path);
        return assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(IIncrementalGenerator).IsAssignableFrom(t) && t.GetCustomAttribute<GeneratorAttribute>() is not null)
            .Select(t => (IIncrementalGenerator)Activator.CreateInstance(t)!)
            .ToImmutableArray();
    }
}
