using System.Collections.Immutable;
using ContractGen.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace ContractGen.Analyzers.Tests;

/// <summary>
/// The analyzer and the generator share one parser, so they must agree: where the analyzer is silent the generator
/// emits code that compiles, and where the analyzer reports an error the generator emits nothing for that contract.
/// </summary>
public sealed class AnalyzerAndGeneratorAgreementTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.ComponentModel.DataAnnotations;
        using System.Threading;
        using System.Threading.Tasks;
        using ContractGen;
        using MemoryPack;

        """;

    private static readonly Dictionary<string, (string Source, int Contracts)> ValidContracts = new()
    {
        ["Clock"] = ("""
            namespace Example.Clock;

            [ServiceContract(Name = "com.example.clock", Context = ServiceContext.System)]
            public partial interface IClock
            {
                ValueTask<ClockReading> NowAsync(string zone, CancellationToken cancellationToken = default);
                ValueTask<long> AddAsync(long a, long b);
                Task ResetAsync(CancellationToken cancellationToken);
            }

            [MemoryPackable]
            public sealed partial record ClockReading(string Zone, DateTimeOffset Time, long CallsServed);
            """, 1),

        ["GlobalNamespace"] = ("""
            [ServiceContract]
            public partial interface IGlobal
            {
                Task<int> CountAsync();
                ValueTask PingAsync();
            }
            """, 1),

        ["NestedInPartialTypes"] = ("""
            namespace Example.Nested;

            public static partial class Services
            {
                internal partial record struct Holder
                {
                    [ServiceContract(Name = "com.example.nested", Context = ServiceContext.Application)]
                    internal partial interface IHelper
                    {
                        Task<string> EchoAsync(string text);
                    }
                }
            }
            """, 1),

        ["AllWireTypes"] = ("""
            namespace Example.Data;

            public enum Level : byte { Low = 1, High = 2 }

            [Flags]
            public enum Options { None = 0, Fast = 1, Safe = 2 }

            [MemoryPackable]
            public sealed partial record Order(string Sku, int Quantity, decimal Price, List<string> Tags, Dictionary<string, string>? Attributes);

            [ServiceContract(Name = "com.example.data")]
            public partial interface IData
            {
                Task<byte[]> BytesAsync(ReadOnlyMemory<byte> memory, byte[]? maybe);
                Task<ReadOnlyMemory<byte>> MemoryAsync(byte[] bytes);
                Task<string?> TextAsync(string text, string? maybe, char c, bool flag);
                Task<Dictionary<string, List<int>>> MapAsync(Dictionary<Guid, string> map, List<string?> names);
                Task<int?> NumbersAsync(sbyte a, short b, ushort c, uint d, ulong e, float f, double g, decimal h, int? i, byte j, long k);
                Task<Level> TimeAsync(DateTime a, DateTimeOffset b, TimeSpan c, DateOnly d, TimeOnly e, Level level, Level? maybe, Options options);
                Task<Order[]> OrdersAsync(Order order, List<Order> orders, int[][] jagged, Order? maybe);
                ValueTask<Guid[]> IdsAsync(Half half, Int128 big, UInt128 bigger);
            }
            """, 1),

        ["InheritedOverloadsAndLocalMembers"] = ("""
            namespace Example.Inheritance;

            public interface IPingable
            {
                Task PingAsync();
            }

            public interface IRepository<TItem>
            {
                Task<TItem> GetAsync(int id);
                Task PutAsync(int id, TItem item);
            }

            [ServiceContract(Name = "com.example.names")]
            public partial interface INames : IPingable, IRepository<string>
            {
                const string Anonymous = "anonymous";

                Task<string> GetAsync(string key);
                Task<string> GetAsync(string key, int version);

                // Runs in the caller: not part of the wire contract.
                Task<string> GetAnonymousAsync() => GetAsync(Anonymous);
            }
            """, 1),

        ["DerivedContracts"] = ("""
            namespace Example.Derived;

            [ServiceContract(Name = "com.example.base")]
            public partial interface IBaseService
            {
                Task<string> VersionAsync();
            }

            [ServiceContract(Name = "com.example.derived")]
            public partial interface IDerivedService : IBaseService
            {
                Task<int> CountAsync(CancellationToken cancellationToken);
            }
            """, 2),

        ["Authorization"] = ("""
            namespace Example.Security;

            [ServiceContract(Name = "com.example.agent", Context = ServiceContext.User)]
            public partial interface IAgent
            {
                ValueTask<uint> WhoCallsAsync();
            }

            [ServiceContract(Name = "com.example.daemon")]
            [AllowCallers(SameUser = true, Groups = ["wheel"])]
            public partial interface IDaemon
            {
                [AllowAnyLocalUser]
                ValueTask<string> StatusAsync();

                [RequireRoot]
                Task RestartAsync();

                [AllowCallers(Root = true, Users = ["backup"], UserIds = [1000u])]
                Task<byte[]> BackupAsync(string path);
            }
            """, 2),

        ["TransferredDataModel"] = ("""
            namespace Example.Model;

            public enum Status { Open, Closed }

            public struct Point
            {
                public int X;
                public int Y;
            }

            [MemoryPackable]
            [MemoryPackUnion(0, typeof(Circle))]
            [MemoryPackUnion(1, typeof(Polygon))]
            public abstract partial class Shape
            {
            }

            [MemoryPackable]
            public sealed partial class Circle : Shape
            {
                public Point Center { get; set; }
                public double Radius { get; set; }
            }

            [MemoryPackable]
            public sealed partial class Polygon : Shape
            {
                public Point[] Corners { get; set; } = Array.Empty<Point>();
            }

            [MemoryPackable]
            public sealed partial class Drawing
            {
                public string Title { get; set; } = "";
                public List<Shape> Shapes { get; set; } = new();
                public IReadOnlyList<string> Tags { get; set; } = Array.Empty<string>();
                public Dictionary<string, Drawing> Layers { get; set; } = new();
                public Drawing? Parent { get; set; }
                public Status Status { get; set; }

                [MemoryPackIgnore]
                public Action? OnChanged { get; set; }
            }

            [MemoryPackable]
            [MemoryPackUnion(0, typeof(Renamed))]
            public partial interface IEvent
            {
            }

            [MemoryPackable]
            public sealed partial record Renamed(string Title) : IEvent;

            [ServiceContract(Name = "com.example.drawings", Context = ServiceContext.User)]
            public partial interface IDrawings
            {
                Task<IEvent?> LastEventAsync(IEvent? since);
                Task<Drawing> GetAsync(Guid id, CancellationToken cancellationToken = default);
                Task PutAsync(Drawing drawing, Shape focus, List<Shape> extra);
                IAsyncEnumerable<Shape> WatchAsync(CancellationToken cancellationToken = default);
            }
            """, 1),

        ["Validation"] = ("""
            namespace Example.Validation;

            [MemoryPackable]
            public sealed partial record Item([property: MaxLength(8)] string Sku, [property: Range(1, 100)] int Quantity);

            [ServiceContract(Name = "com.example.validated", MaxStringLength = 1024, MaxCollectionLength = 100, MaxByteLength = 4096)]
            public partial interface IValidated
            {
                Task<int> AddAsync([Required, StringLength(32, MinimumLength = 1)] string name, [Range(0, 10)] int count);
                Task<bool> StoreAsync(List<Item> items, [MaxLength(16)] byte[] blob, Dictionary<string, int> counts);
            }
            """, 1),

        ["ProtectedInternalNesting"] = ("""
            namespace Example.Nesting;

            public partial class Outer
            {
                protected internal partial class Inner
                {
                    [ServiceContract(Name = "com.example.inner")]
                    internal partial interface IInner
                    {
                        Task<int> CountAsync();
                    }
                }
            }
            """, 1),

        ["ObsoleteMembers"] = ("""
            namespace Example.Obsolete;

            [Obsolete("Use Receipt2.")]
            [MemoryPackable]
            public partial class Receipt
            {
                public string Number { get; set; } = "";
            }

            [ServiceContract(Name = "com.example.shop")]
            public partial interface IShop
            {
                [Obsolete("Removed in v2.", error: true)]
                ValueTask<long> TotalAsync(long a, long b);

                [Obsolete("Use ReprintAsync.", DiagnosticId = "EX0001")]
                Task<Receipt> PrintAsync(Receipt receipt, CancellationToken cancellationToken);

                ValueTask<int> CountAsync();
            }
            """, 1),
    };

    private static readonly Dictionary<string, string> InvalidContracts = new()
    {
        ["NestedInPrivateType"] = """
            public partial class Outer
            {
                private partial class Inner
                {
                    [ServiceContract]
                    public partial interface IHidden
                    {
                        Task PingAsync();
                    }
                }
            }
            """,
        ["NotPartial"] = """
            [ServiceContract]
            public interface INotPartial
            {
                Task PingAsync();
            }
            """,
        ["Remoting"] = """
            [ServiceContract]
            public partial interface IRemoting
            {
                Task SubscribeAsync(IObserver<int> observer);
            }
            """,
        ["Synchronous"] = """
            [ServiceContract]
            public partial interface ISynchronous
            {
                int Add(int a, int b);
            }
            """,
        ["Property"] = """
            [ServiceContract]
            public partial interface IWithProperty
            {
                string Name { get; }
            }
            """,
        ["DaemonCallback"] = """
            [ServiceContract(Name = "com.example.daemon", Context = ServiceContext.System)]
            public partial interface IDaemon
            {
                Task CopyAsync(string from, IProgress<int> progress);
            }
            """,
        ["NotMemoryPackable"] = """
            public sealed record Order(string Sku);

            [ServiceContract(Name = "com.example.orders", Context = ServiceContext.User)]
            public partial interface IOrders
            {
                Task PlaceAsync(Order order);
            }
            """,
        ["BadName"] = """
            [ServiceContract(Name = "has space")]
            public partial interface IBadName
            {
                Task PingAsync();
            }
            """,
    };

    public static TheoryData<string> ValidContractNames => new(ValidContracts.Keys);

    public static TheoryData<string> InvalidContractNames => new(InvalidContracts.Keys);

    [Theory]
    [MemberData(nameof(ValidContractNames))]
    public async Task Analyzer_is_silent_and_generated_code_compiles(string name)
    {
        var (source, contracts) = ValidContracts[name];
        var compilation = TestReferences.CreateCompilation([Usings + source]);
        AssertNoErrors(compilation.GetDiagnostics(), "the contract itself");

        foreach (var analyzer in TransferAnalyzers.All)
        {
            var (diagnostics, _) = await AnalyzerRunner.RunAsync(compilation, analyzer);
            Assert.Empty(diagnostics);
        }

        var (output, generated) = RunGenerators(compilation);
        Assert.Equal(contracts, generated.Length);
        AssertNoErrors(output.GetDiagnostics(), "the compilation with generated code");

        // Generated code compiles warning-clean too, with nullable reference types on.
        var generatedTrees = generated.Select(g => g.SyntaxTree).ToHashSet();
        var warnings = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Warning && generatedTrees.Contains(d.Location.SourceTree!)).ToList();
        Assert.True(warnings.Count == 0, "Warnings in generated code:\n" + string.Join("\n", warnings));
    }

    [Theory]
    [MemberData(nameof(InvalidContractNames))]
    public async Task Analyzer_reports_an_error_and_the_generator_emits_nothing(string name)
    {
        var compilation = TestReferences.CreateCompilation([Usings + InvalidContracts[name]]);
        AssertNoErrors(compilation.GetDiagnostics(), "the contract itself");

        var (diagnostics, _) = await AnalyzerRunner.RunAsync(compilation);
        Assert.Contains(diagnostics, d => d.Severity == DiagnosticSeverity.Error && d.Id.StartsWith("CGEN", StringComparison.Ordinal));

        var (_, generated) = RunGenerators(compilation);
        Assert.Empty(generated);
    }

    /// <summary>Runs ContractGen's generator beside MemoryPack's, as a consumer's build does; returns ContractGen's sources.</summary>
    private static (Compilation Output, ImmutableArray<GeneratedSourceResult> Generated) RunGenerators(Compilation compilation)
    {
        var generators = TestReferences.LoadMemoryPackGenerators()
            .Prepend(new ContractGenerator())
            .Select(GeneratorExtensions.AsSourceGenerator);
        GeneratorDriver driver = CSharpGeneratorDriver.Create(generators, parseOptions: TestReferences.ParseOptions);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        Assert.Empty(generatorDiagnostics);

        var result = driver.GetRunResult();
        Assert.All(result.Results, r => Assert.Null(r.Exception));
        var contractGen = result.Results.Single(r => r.Generator.GetGeneratorType() == typeof(ContractGenerator));
        return (output, contractGen.GeneratedSources);
    }

    private static void AssertNoErrors(IEnumerable<Diagnostic> diagnostics, string what)
    {
        var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, $"Errors in {what}:\n" + string.Join("\n", errors));
    }
}
