using ContractGen.Generator.Tests.Infrastructure;
using Xunit;

namespace ContractGen.Generator.Tests;

/// <summary>What the generator does with contracts it cannot generate: nothing, and nothing that breaks the build.</summary>
public sealed class GeneratorBehaviourTests
{
    [Fact]
    public void Contracts_with_problems_generate_nothing_and_leave_the_compilation_clean()
    {
        // Each of these is reported by an analyzer (CGEN1xxx); the generator reports nothing and skips them.
        var result = GeneratorHarness.Run(new[]
        {
            """
            using System.Threading.Tasks;
            using ContractGen;

            namespace Example.Broken;

            [ServiceContract] public interface INotPartial { Task PingAsync(); }
            [ServiceContract] public partial interface IWithProperty { int Value { get; } Task PingAsync(); }
            [ServiceContract] public partial interface IGenericMethod { Task PingAsync<T>(T value); }
            [ServiceContract] public partial interface ISyncReturn { int Ping(); }
            [ServiceContract] public partial interface IObjectParameter { Task PingAsync(object value); }
            [ServiceContract] public partial interface IRefParameter { Task PingAsync(ref int value); }

            public partial class Outer<T>
            {
                [ServiceContract] public partial interface IInGeneric { Task PingAsync(); }
            }
            """,
        }, expectedFiles: 0);

        Assert.Empty(result.ContractGen.Diagnostics);
    }

    [Fact]
    public void A_broken_contract_does_not_stop_a_valid_one()
    {
        var result = GeneratorHarness.Run(new[]
        {
            TestSources.Clock,
            """
            using System.Threading.Tasks;
            using ContractGen;

            namespace Example.Broken;

            [ServiceContract] public interface INotPartial { Task PingAsync(); }
            """,
        }, expectedFiles: 1);

        Assert.Equal("Example.Clock.IClock.g.cs", Assert.Single(result.Files).HintName);
    }

    [Fact]
    public void Internal_contract_and_internal_data_types_compile()
        => GeneratorHarness.Run("""
            using System.Threading.Tasks;
            using ContractGen;
            using MemoryPack;

            namespace Example.Internal;

            [MemoryPackable]
            internal partial class Data
            {
                public int Value { get; set; }
            }

            internal partial class Host
            {
                [ServiceContract(Name = "example.internal")]
                internal partial interface IInternal
                {
                    Task<Data> RoundTripAsync(Data data);
                }
            }
            """);

    [Fact]
    public void Validator_checks_the_members_a_packable_class_inherits()
    {
        // MemoryPack sends the base class's public members too; the validator must not let them through unchecked.
        var result = GeneratorHarness.Run(new[]
        {
            """
            using System.ComponentModel.DataAnnotations;
            using System.Threading.Tasks;
            using ContractGen;
            using MemoryPack;

            namespace Example.Inherited;

            public class Entity
            {
                [StringLength(12)]
                public string Owner { get; set; } = "";
            }

            [MemoryPackable]
            public partial class Order : Entity
            {
                [StringLength(8)]
                public string Sku { get; set; } = "";
            }

            [ServiceContract(Name = "example.inherited", Context = ServiceContext.User)]
            public partial interface IOrders
            {
                Task PlaceAsync(Order order);
            }
            """,
        }, expectedFiles: 1);

        Assert.Contains("__value.Sku.Length > 8", result.SingleText, System.StringComparison.Ordinal);
        Assert.Contains("__value.Owner.Length > 12", result.SingleText, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Methods_named_like_generated_members_compile()
    {
        // MethodIds, Policies and object's members are names the generated classes use; such methods get a suffix.
        GeneratorHarness.Run(new[]
        {
            """
            using System.Threading.Tasks;
            using ContractGen;

            namespace Example.Clashes;

            [ServiceContract]
            public partial interface IClashes
            {
                ValueTask<int> MethodIds(int a);
                ValueTask<int> Policies();
                Task<string> ToString();
                ValueTask<bool> Equals(int other);
                ValueTask<int> Descriptor();
            }
            """,
        }, expectedFiles: 1);
    }
}
