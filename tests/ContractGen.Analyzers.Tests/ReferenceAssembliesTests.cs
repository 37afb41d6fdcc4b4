using Microsoft.CodeAnalysis;
using Xunit;

namespace ContractGen.Analyzers.Tests;

/// <summary>No test may download anything: the references come from Basic.Reference.Assemblies.Net100 and local builds.</summary>
public sealed class ReferenceAssembliesTests
{
    [Fact]
    public async Task The_testing_framework_is_given_an_empty_set_that_resolves_to_nothing()
    {
        var none = TestReferences.None;
        Assert.Null(none.ReferenceAssemblyPackage);
        Assert.Empty(none.Packages);
        Assert.Empty(none.Assemblies);
        Assert.Empty(none.FacadeAssemblies);
        Assert.Empty(await none.ResolveAsync(LanguageNames.CSharp, CancellationToken.None));
    }

    [Fact]
    public void Compilations_reference_the_framework_the_runtime_and_MemoryPack_from_local_files()
    {
        var names = TestReferences.All.OfType<PortableExecutableReference>().Select(r => Path.GetFileName(r.FilePath ?? r.Display)).ToList();
        Assert.Contains("System.Runtime.dll", names);
        Assert.Contains("ContractGen.dll", names);
        Assert.Contains("MemoryPack.Core.dll", names);
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "generators", "MemoryPack.Generator.dll")));
    }
}
