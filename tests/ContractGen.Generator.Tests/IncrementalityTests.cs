using System.Linq;
using ContractGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace ContractGen.Generator.Tests;

/// <summary>
/// What the generator re-runs after an edit. Every generator test already checks a re-run on a cloned compilation;
/// these scenarios check the edits people make all day: unrelated files, comments, and real signature changes.
/// </summary>
public sealed class IncrementalityTests
{
    private const string SourceOutput = "output:" + WellKnownGeneratorOutputs.SourceOutput;

    [Fact]
    public void Unrelated_file_added_reruns_nothing()
    {
        var first = GeneratorHarness.Run(TestSources.Clock);
        var edited = first.Input.AddSyntaxTrees(Parse(TestSources.Unrelated, "Unrelated.cs"));

        var rerun = Incrementality.AssertRerunIsCached(first, edited, "a compilation with an unrelated file added");

        // The emitter did not run again: its output step is Cached, and no file was added or changed.
        Assert.All(Incrementality.ReasonsOf(rerun, SourceOutput), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        Assert.All(Incrementality.ReasonsOf(rerun, ContractGeneratorSteps.ValidContracts), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        Assert.Equal(first.Files, rerun.Files);
    }

    [Fact]
    public void Comment_edited_inside_the_contract_leaves_the_model_and_output_unchanged()
    {
        var first = GeneratorHarness.Run(TestSources.Clock);
        var edited = Edit(first.Input, "// Reads the clock in a time zone.", "// Reads the clock in any IANA time zone (edited).");

        var rerun = Incrementality.AssertRerunIsCached(first, edited, "a compilation with a comment edited inside the contract");

        // The contract's file changed, so its model was built again; it compares equal, so nothing downstream ran.
        Assert.All(Incrementality.ReasonsOf(rerun, ContractGeneratorSteps.ParseContracts),
            r => Assert.True(r is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached, r.ToString()));
        Assert.All(Incrementality.ReasonsOf(rerun, SourceOutput), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        Assert.Equal(first.SingleText, rerun.SingleText);
    }

    [Fact]
    public void Signature_changed_modifies_the_model_and_the_output()
    {
        var first = GeneratorHarness.Run(TestSources.Clock);
        var edited = Edit(first.Input, "ValueTask<long> AddAsync(long a, long b);", "ValueTask<long> AddAsync(long a, int b);");

        var rerun = GeneratorHarness.Rerun(first, edited);

        Assert.Contains(IncrementalStepRunReason.Modified, Incrementality.ReasonsOf(rerun, ContractGeneratorSteps.ParseContracts));
        Assert.Contains(IncrementalStepRunReason.Modified, Incrementality.ReasonsOf(rerun, ContractGeneratorSteps.ValidContracts));
        Assert.Contains(IncrementalStepRunReason.Modified, Incrementality.ReasonsOf(rerun, SourceOutput));
        Assert.NotEqual(first.SingleText, rerun.SingleText);
        Assert.Contains("AddAsync(long,int):long", rerun.SingleText);
        Assert.DoesNotContain("AddAsync(long,long):long", rerun.SingleText);
        GeneratorHarness.AssertClean("The edited compilation", rerun.Output.GetDiagnostics());
    }

    [Fact]
    public void Editing_one_contract_regenerates_only_that_contract()
    {
        const string other = """
            using System.Threading.Tasks;
            using ContractGen;

            namespace Example.Other;

            [ServiceContract(Name = "example.other")]
            public partial interface IOther
            {
                Task PingAsync();
            }
            """;
        var first = GeneratorHarness.Run(TestSources.Clock, other);
        var edited = Edit(first.Input, "Task PingAsync();", "Task PingAsync(int count);");

        var rerun = GeneratorHarness.Rerun(first, edited);

        // One output per contract: the clock's output is reused as it was, only IOther's is generated again.
        var reasons = Incrementality.ReasonsOf(rerun, SourceOutput);
        Assert.Equal(2, reasons.Count);
        Assert.Equal(1, reasons.Count(r => r == IncrementalStepRunReason.Cached));
        Assert.Equal(1, reasons.Count(r => r == IncrementalStepRunReason.Modified));
        Assert.Equal(first.Files.Single(f => f.HintName.Contains("IClock")), rerun.Files.Single(f => f.HintName.Contains("IClock")));
        Assert.Contains("PingAsync(int):void", rerun.Files.Single(f => f.HintName.Contains("IOther")).Text);
    }

    [Fact]
    public void Fixing_a_contract_problem_generates_its_output()
    {
        // Not partial: the generator skips it (the analyzers say why), and the compilation still builds.
        var first = GeneratorHarness.Run(new[] { TestSources.Clock.Replace("public partial interface IClock", "public interface IClock", System.StringComparison.Ordinal) }, expectedFiles: 0);
        var edited = Edit(first.Input, "public interface IClock", "public partial interface IClock");

        var rerun = GeneratorHarness.Rerun(first, edited);

        Assert.Contains(IncrementalStepRunReason.New, Incrementality.ReasonsOf(rerun, ContractGeneratorSteps.ValidContracts));
        Assert.Equal("Example.Clock.IClock.g.cs", Assert.Single(rerun.Files).HintName);
        GeneratorHarness.AssertClean("The fixed compilation", rerun.Output.GetDiagnostics());
    }

    [Fact]
    public void Contract_removed_removes_its_output()
    {
        var first = GeneratorHarness.Run(TestSources.Clock, TestSources.Unrelated);
        var edited = first.Input.RemoveSyntaxTrees(first.Input.SyntaxTrees.First());

        var rerun = GeneratorHarness.Rerun(first, edited);

        Assert.Contains(IncrementalStepRunReason.Removed, Incrementality.ReasonsOf(rerun, ContractGeneratorSteps.ParseContracts));
        Assert.Empty(rerun.Files);
    }

    [Fact]
    public void Data_type_changed_in_another_file_regenerates_the_contract()
    {
        // The contract's own file does not change; the validator of the packable argument must still follow the type.
        const string contract = """
            using System.Threading.Tasks;
            using ContractGen;

            namespace Example.Orders;

            [ServiceContract(Name = "example.orders")]
            public partial interface IOrders
            {
                Task SubmitAsync(Order order);
            }
            """;
        const string order = """
            using MemoryPack;

            namespace Example.Orders;

            [MemoryPackable]
            public partial class Order
            {
                public int Quantity { get; set; }
            }
            """;
        var first = GeneratorHarness.Run(contract, order);
        var edited = Edit(first.Input, "public int Quantity { get; set; }", "public int Quantity { get; set; }\n    public string Note { get; set; } = \"\";");

        var rerun = GeneratorHarness.Rerun(first, edited);

        Assert.DoesNotContain("Note", first.SingleText);
        Assert.Contains("Note", rerun.SingleText);
        Assert.Contains(IncrementalStepRunReason.Modified, Incrementality.ReasonsOf(rerun, SourceOutput));
        GeneratorHarness.AssertClean("The edited compilation", rerun.Output.GetDiagnostics());
    }

    private static SyntaxTree Parse(string source, string path)
        => CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions, path);

    /// <summary>Replaces <paramref name="oldText"/> in the one tree that has it, as an editor would (same path, new text).</summary>
    private static CSharpCompilation Edit(CSharpCompilation compilation, string oldText, string newText)
    {
        var tree = compilation.SyntaxTrees.Single(t => t.ToString().Contains(oldText, System.StringComparison.Ordinal));
        var text = tree.GetText();
        var start = text.ToString().IndexOf(oldText, System.StringComparison.Ordinal);
        var changed = tree.WithChangedText(text.WithChanges(new TextChange(new TextSpan(start, oldText.Length), newText)));
        return compilation.ReplaceSyntaxTree(tree, changed);
    }
}
