using ContractGen.Packaging.Tests.Infrastructure;

namespace ContractGen.Packaging.Tests;

/// <summary>The contractgen tool installs from the feed with 'dotnet tool install' and runs as the command 'contractgen'.</summary>
public sealed class ToolPackageTests
{
    [Fact]
    public async Task Dotnet_tool_install_gives_a_contractgen_command_that_prints_its_help()
    {
        var feed = await PackedFeed.GetAsync();
        var tools = feed.NewProjectFolder("tools");
        var install = await feed.DotnetAsync(feed.Root, TimeSpan.FromMinutes(3),
            "tool", "install", "--tool-path", tools, "ContractGen.Tool", "--version", feed.Version, "--add-source", feed.Feed);
        Assert.True(install.ExitCode == 0, install.ToString());

        var help = await ProcessRunner.RunAsync(Path.Combine(tools, "contractgen"), ["--help"], feed.Root, TimeSpan.FromMinutes(1), feed.Environment);
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("Usage:", help.Output, StringComparison.Ordinal);
        Assert.Contains("lock", help.Output, StringComparison.Ordinal);
        Assert.Contains("systemd", help.Output, StringComparison.Ordinal);
    }
}
