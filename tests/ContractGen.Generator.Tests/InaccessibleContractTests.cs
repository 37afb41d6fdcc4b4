using ContractGen.Generator.Tests.Infrastructure;
using Xunit;

namespace ContractGen.Generator.Tests;

/// <summary>
/// Contracts that code at module level cannot name (private, protected or file-local, or nested in such a type) cannot
/// be registered by the generated module initializer: they generate nothing (CGEN1015 says why) instead of code that
/// fails to compile (CS8814, CS0122, CS0234).
/// </summary>
public sealed class InaccessibleContractTests
{
    [Theory]
    [InlineData("private", "public")]
    [InlineData("protected", "public")]
    [InlineData("private protected", "internal")]
    [InlineData("public", "private")]
    [InlineData("public", "protected")]
    [InlineData("internal", "private protected")]
    public void Contract_hidden_from_module_level_generates_nothing_and_the_build_stays_clean(string containerAccess, string contractAccess)
        => GeneratorHarness.Run(new[] { HiddenContract(containerAccess, contractAccess) }, expectedFiles: 0);

    [Fact]
    public void File_local_contract_generates_nothing_and_the_build_stays_clean()
        => GeneratorHarness.Run(new[]
        {
            """
            using System.Threading.Tasks;
            using ContractGen;

            namespace Example.Hidden;

            [ServiceContract(Name = "example.file")]
            file partial interface IFileLocal
            {
                ValueTask<long> AddAsync(long a, long b);
            }
            """,
        }, expectedFiles: 0);

    [Theory]
    [InlineData("public", "public")]
    [InlineData("internal", "protected internal")]
    [InlineData("protected internal", "internal")]
    public void Contract_reachable_from_module_level_is_generated(string containerAccess, string contractAccess)
    {
        var result = GeneratorHarness.Run(new[] { HiddenContract(containerAccess, contractAccess) }, expectedFiles: 1);
        Assert.Contains("[global::System.Runtime.CompilerServices.ModuleInitializer]", result.SingleText);
    }

    // The data type is as accessible as the contract, as C# requires of a type in a member's signature.
    private static string HiddenContract(string containerAccess, string contractAccess) => $$"""
        using System.Threading;
        using System.Threading.Tasks;
        using ContractGen;
        using MemoryPack;

        namespace Example.Hidden;

        public partial class Outer
        {
            {{containerAccess}} partial class Inner
            {
                [MemoryPackable]
                {{contractAccess}} partial class Data
                {
                    public int Value { get; set; }
                }

                [ServiceContract(Name = "example.hidden")]
                {{contractAccess}} partial interface IHidden
                {
                    Task<Data> RoundTripAsync(Data data, CancellationToken cancellationToken);
                    ValueTask<long> AddAsync(long a, long b);
                }
            }
        }
        """;
}
