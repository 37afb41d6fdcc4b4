using System.Collections.Generic;
using System.Linq;
using ContractGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Xunit.Sdk;

namespace ContractGen.Generator.Tests;

/// <summary>The test helpers themselves: a snapshot or incrementality check that cannot fail protects nothing.</summary>
public sealed class HarnessTests
{
    [Fact]
    public void Snapshot_mismatch_names_the_file_the_first_differing_line_and_shows_a_diff()
    {
        var expected = string.Join("\n", Enumerable.Range(1, 20).Select(i => $"line {i}"));
        var actual = expected.Replace("line 12", "line twelve", System.StringComparison.Ordinal);

        var message = Snapshots.Compare(expected, actual, "/snapshots/X.g.verified.cs");

        Assert.NotNull(message);
        Assert.Contains("/snapshots/X.g.verified.cs", message, System.StringComparison.Ordinal);
        Assert.Contains("from line 12", message, System.StringComparison.Ordinal);
        Assert.Contains("\n-line 12\n+line twelve\n", message, System.StringComparison.Ordinal);
        Assert.Contains("\n line 11\n", message, System.StringComparison.Ordinal);
        Assert.DoesNotContain("line 1\n", message, System.StringComparison.Ordinal);
        Assert.Null(Snapshots.Compare(expected, expected, "/snapshots/X.g.verified.cs"));
    }

    [Fact]
    public void Snapshot_diff_of_a_large_change_is_cut_short()
    {
        var expected = string.Join("\n", Enumerable.Range(1, 500).Select(i => $"line {i}"));
        var actual = string.Join("\n", Enumerable.Range(1, 500).Select(i => i % 10 == 0 ? $"changed {i}" : $"line {i}"));

        var message = Snapshots.Compare(expected, actual, "X.g.verified.cs");

        Assert.NotNull(message);
        Assert.Contains("more changed region(s)", message, System.StringComparison.Ordinal);
        Assert.True(message.Split('\n').Length < 100, message);
    }

    [Fact]
    public void Snapshots_ignore_line_endings_and_the_generator_version()
    {
        const string generated = "a\r\n[global::System.CodeDom.Compiler.GeneratedCode(\"ContractGen\", \"1.2.3.4\")]\r\n";

        Assert.Equal(
            $"a\n[global::System.CodeDom.Compiler.GeneratedCode(\"ContractGen\", \"{Snapshots.VersionPlaceholder}\")]\n",
            Snapshots.Normalize(generated));
        Assert.Equal("Example.IClock.g.verified.cs", Snapshots.FileName("Example.IClock.g.cs"));
    }

    [Fact]
    public void Checked_in_snapshots_are_lf_only()
    {
        var files = System.IO.Directory.GetFiles(Snapshots.Root, "*" + Snapshots.Extension, System.IO.SearchOption.AllDirectories);

        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.DoesNotContain('\r', System.IO.File.ReadAllText(f)));
    }

    [Fact]
    public void Step_walker_finds_roslyn_objects_nested_anywhere()
    {
        var compilation = GeneratorHarness.CreateCompilation("class C { }");
        var forbidden = new object[]
        {
            Location.None,
            compilation.SyntaxTrees[0],
            compilation.SyntaxTrees[0].GetRoot(),
            compilation.GetTypeByMetadataName("C")!,
            compilation,
            compilation.GetSemanticModel(compilation.SyntaxTrees[0]),
        };

        foreach (var value in forbidden)
        {
            // Nested in a tuple inside a list inside an anonymous object, as a careless model might hold it.
            var holder = new { Name = "x", Items = new List<object> { 1, ("y", value) } };
            Assert.Throws<FailException>(() => Incrementality.Walk(holder, "step", new HashSet<object>(System.Collections.Generic.ReferenceEqualityComparer.Instance)));
        }
    }

    [Fact]
    public void Step_walker_accepts_the_generator_models()
    {
        var models = MethodIdentityTests.ModelsOf(GeneratorHarness.Run(TestSources.Clock));

        Assert.NotEmpty(models);
        Incrementality.Walk(models, "models", new HashSet<object>(System.Collections.Generic.ReferenceEqualityComparer.Instance));
    }

    [Fact]
    public void Every_generator_step_has_a_tracking_name_that_the_checks_know()
    {
        var result = GeneratorHarness.Run(TestSources.Clock);

        Assert.NotEmpty(Incrementality.StepNames);
        Assert.All(Incrementality.StepNames, name => Assert.True(result.ContractGen.TrackedSteps.ContainsKey(name), name));
    }
}
