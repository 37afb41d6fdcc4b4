using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using ContractGen.CodeAnalysis;
using ContractGen.Generator.Tests.Infrastructure;
using Xunit;

namespace ContractGen.Generator.Tests;

/// <summary>
/// Method ids and the contract fingerprint are what a client and a service built at different times agree on: they
/// must not move when methods are reordered or parameters renamed, and must move when the wire signature changes.
/// </summary>
public sealed class MethodIdentityTests
{
    private const string Header = """
        using System.Threading;
        using System.Threading.Tasks;
        using ContractGen;

        namespace Example.Ids;

        [ServiceContract(Name = "example.ids")]
        public partial interface ICalc
        {

        """;

    private static readonly string[] Methods =
    {
        "ValueTask<long> AddAsync(long a, long b);",
        "ValueTask<int> AddAsync(int a, int b);",
        "Task ResetAsync(CancellationToken ct);",
        "ValueTask<string> NameAsync(string prefix, int count);",
    };

    [Fact]
    public void Ids_and_fingerprint_do_not_depend_on_declaration_order()
    {
        var original = Generate(Methods);
        var reordered = Generate(Methods.Reverse());

        Assert.NotEqual(original.Model.Methods.Select(m => m.Signature), reordered.Model.Methods.Select(m => m.Signature));
        Assert.Equal(original.Model.Fingerprint, reordered.Model.Fingerprint);
        Assert.Equal(IdsBySignature(original.Model), IdsBySignature(reordered.Model));

        // The generated constants agree too (overload member names may swap; the id of each signature may not).
        Assert.Equal(Constants(original.Text), Constants(reordered.Text));
    }

    [Fact]
    public void Changing_a_parameter_type_changes_that_id_and_the_fingerprint()
    {
        var original = Generate(Methods);
        var changed = Generate(Methods.Select(m => m.Replace("string prefix, int count", "string prefix, long count")));

        var before = IdsBySignature(original.Model);
        var after = IdsBySignature(changed.Model);
        Assert.NotEqual(before["NameAsync(string,int):string"], after["NameAsync(string,long):string"]);
        Assert.NotEqual(original.Model.Fingerprint, changed.Model.Fingerprint);

        // The other methods keep their ids.
        foreach (var signature in before.Keys.Where(s => !s.StartsWith("NameAsync", System.StringComparison.Ordinal)))
        {
            Assert.Equal(before[signature], after[signature]);
        }
    }

    [Fact]
    public void Changing_the_result_type_changes_the_id()
    {
        var original = Generate(Methods);
        var changed = Generate(Methods.Select(m => m.Replace("ValueTask<string> NameAsync", "ValueTask<byte[]> NameAsync")));

        Assert.NotEqual(IdsBySignature(original.Model)["NameAsync(string,int):string"], IdsBySignature(changed.Model)["NameAsync(string,int):byte[]"]);
        Assert.NotEqual(original.Model.Fingerprint, changed.Model.Fingerprint);
    }

    [Fact]
    public void Parameter_names_nullability_and_cancellation_tokens_are_not_part_of_the_id()
    {
        var original = Generate(Methods);
        var changed = Generate(Methods.Select(m => m
            .Replace("string prefix, int count", "string? start, int howMany")
            .Replace("Task ResetAsync(CancellationToken ct);", "Task ResetAsync();")));

        Assert.Equal(IdsBySignature(original.Model), IdsBySignature(changed.Model));
        Assert.Equal(original.Model.Fingerprint, changed.Model.Fingerprint);
    }

    [Fact]
    public void Wire_name_changes_the_fingerprint_but_not_the_ids()
    {
        var original = Generate(Methods);
        var renamed = Generate(Methods, wireName: "example.ids.v2");

        Assert.NotEqual(original.Model.Fingerprint, renamed.Model.Fingerprint);
        Assert.Equal(IdsBySignature(original.Model), IdsBySignature(renamed.Model));
    }

    [Fact]
    public void Ids_of_the_clock_contract_are_pinned()
    {
        // Shipped clients and services compare these numbers: a change here breaks the wire, not just a test.
        var model = ModelsOf(GeneratorHarness.Run(TestSources.Clock)).Single();

        Assert.Equal(0xA965FC2Fu, model.Methods.Single(m => m.Name == "NowAsync").Id);
        Assert.Equal(0x319DD45Du, model.Methods.Single(m => m.Name == "AddAsync").Id);
        Assert.Equal(0x0C846199u, model.Methods.Single(m => m.Name == "ResetAsync").Id);
        Assert.Equal(0xBF953553991DCB12UL, model.Fingerprint);
        Assert.Equal(0x319DD45Du, Fnv.Hash32("AddAsync(long,long):long"));
    }

    private static (ContractModel Model, string Text) Generate(IEnumerable<string> methods, string wireName = "example.ids")
    {
        var source = Header.Replace("example.ids", wireName, System.StringComparison.Ordinal)
            + string.Join("\n", methods.Select(m => "    " + m)) + "\n}\n";
        var result = GeneratorHarness.Run(source);
        return (ModelsOf(result).Single(), result.SingleText);
    }

    /// <summary>The models the pipeline produced (the output of its last tracked step).</summary>
    internal static IReadOnlyList<ContractModel> ModelsOf(GenerationResult result)
        => result.ContractGen.TrackedSteps[ContractGeneratorSteps.ValidContracts]
            .SelectMany(s => s.Outputs)
            .Select(o => Assert.IsType<ContractModel>(o.Value))
            .ToList();

    private static Dictionary<string, uint> IdsBySignature(ContractModel model)
        => model.Methods.ToDictionary(m => m.Signature, m => m.Id);

    /// <summary>The <c>Fingerprint</c> and method id constants of generated code, with the signature documented above each, sorted.</summary>
    private static List<string> Constants(string text)
    {
        var lines = text.Split('\n').Select(l => l.Trim()).ToList();
        var constants = new List<string>();
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].StartsWith("public const ulong Fingerprint", System.StringComparison.Ordinal))
            {
                constants.Add(lines[i]);
            }
            else if (Regex.IsMatch(lines[i], "^public const uint \\w+ = 0x[0-9A-F]{8}u;$"))
            {
                // Pair the value with the signature in the doc comment above it; overload member names may differ.
                constants.Add(lines[i - 1] + " " + lines[i][lines[i].IndexOf('=', System.StringComparison.Ordinal)..]);
            }
        }

        Assert.NotEmpty(constants);
        constants.Sort(System.StringComparer.Ordinal);
        return constants;
    }
}
