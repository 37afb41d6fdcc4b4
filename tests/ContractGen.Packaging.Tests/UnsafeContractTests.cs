using ContractGen.Packaging.Tests.Infrastructure;

namespace ContractGen.Packaging.Tests;

/// <summary>The analyzers ship and run from the package: a contract that would hand a live object across fails the build.</summary>
public sealed class UnsafeContractTests
{
    private const string Contract = """
        using ContractGen;
        using MemoryPack;

        namespace Unsafe;

        [ServiceContract(Name = "com.example.unsafe", Context = ServiceContext.System)]
        [AllowAnyLocalUser]
        public partial interface IPlugins
        {
            ValueTask LoadAsync(PluginRequest request, CancellationToken cancellationToken = default);
        }

        [MemoryPackable]
        public sealed partial record PluginRequest(string Name, Type Implementation);
        """;

    [Fact]
    public async Task A_contract_that_sends_a_System_Type_fails_to_build_with_CGEN3001()
    {
        var feed = await PackedFeed.GetAsync();
        var folder = feed.NewProjectFolder("unsafe");
        ConsumerProject.Write(folder, "Unsafe", "Library", [("ContractGen", feed.Version)], new Dictionary<string, string> { ["IPlugins.cs"] = Contract });

        var build = await ConsumerProject.BuildAsync(feed, folder);
        Assert.True(build.ExitCode != 0, build.ToString());
        Assert.Contains("IPlugins.cs(", build.Output, StringComparison.Ordinal);
        Assert.Contains("error CGEN3001", build.Output, StringComparison.Ordinal);
        Assert.Contains("request.Implementation", build.Output, StringComparison.Ordinal);
        // It failed for that reason and no other: no compiler error, no restore error.
        Assert.DoesNotContain("error CS", build.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("error NU", build.Output, StringComparison.Ordinal);
    }
}
