using ContractGen.Packaging.Tests.Infrastructure;

namespace ContractGen.Packaging.Tests;

/// <summary>
/// The package's buildTransitive targets: 'dotnet build -p:ContractGenUpdateLock=true' runs the tool shipped inside the
/// package (nothing installed, nothing of the repository built) and writes ContractGen.lock.txt; an ordinary build then
/// hands that file to the analyzer, which fails a loosened rule.
/// </summary>
public sealed class LockFileTests
{
    private const string Contract = """
        using ContractGen;

        namespace Locked;

        [ServiceContract(Name = "com.example.locked", Context = ServiceContext.System)]
        public partial interface IVault
        {
            [AllowAnyLocalUser]
            ValueTask<int> CountAsync(CancellationToken cancellationToken = default);

            [RequireRoot]
            Task WipeAsync(CancellationToken cancellationToken = default);
        }
        """;

    [Fact]
    public async Task UpdateLock_writes_the_lock_file_from_the_package_and_a_loosened_rule_then_fails_the_build()
    {
        var feed = await PackedFeed.GetAsync();
        var folder = feed.NewProjectFolder("locked");
        ConsumerProject.Write(folder, "Locked", "Library", [("ContractGen", feed.Version)], new Dictionary<string, string> { ["IVault.cs"] = Contract });
        var lockFile = Path.Combine(folder, "ContractGen.lock.txt");

        var update = await ConsumerProject.BuildAsync(feed, folder, "-p:ContractGenUpdateLock=true");
        Assert.True(update.ExitCode == 0, update.ToString());
        Assert.True(File.Exists(lockFile), $"no {lockFile} after the update:\n{update}");
        var recorded = File.ReadAllText(lockFile);
        Assert.StartsWith("# ContractGen contract lock", recorded, StringComparison.Ordinal);
        Assert.Contains("contract com.example.locked", recorded, StringComparison.Ordinal);
        Assert.Contains("method WipeAsync():void\n    callers root", recorded, StringComparison.Ordinal);
        // The tool that wrote it can only be the package's copy: the project is outside the repository and references nothing else.
        Assert.True(File.Exists(Path.Combine(feed.Packages, "contractgen", feed.Version, "tools", "contractgen", "ContractGen.Tool.dll")));

        File.WriteAllText(Path.Combine(folder, "IVault.cs"), Contract.Replace("[RequireRoot]", "[AllowAnyLocalUser]", StringComparison.Ordinal));
        var loosened = await ConsumerProject.BuildAsync(feed, folder);
        Assert.True(loosened.ExitCode != 0, loosened.ToString());
        Assert.Contains("error CGEN1011", loosened.Output, StringComparison.Ordinal);
        Assert.Contains("'WipeAsync():void' of contract 'com.example.locked'", loosened.Output, StringComparison.Ordinal);
        Assert.Equal(recorded, File.ReadAllText(lockFile));
    }
}
