using ContractGen.CodeAnalysis;
using ContractGen.CodeFixes;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using static ContractGen.Analyzers.Tests.VerifySafety;

namespace ContractGen.Analyzers.Tests;

/// <summary>CGEN3003: every string, buffer and collection a System contract receives has a bound someone chose.</summary>
public sealed class UnboundedInputTests
{
    [Fact]
    public Task CGEN3003_parameters_and_members_without_a_bound()
        => AnalyzerAsync<UnboundedInputAnalyzer>(Usings + """
            [MemoryPackable]
            public sealed partial record Order([property: StringLength(8)] string Sku, string {|#0:Note|}, int Quantity);

            [ServiceContract(Name = "com.example.store")]
            [AllowAnyLocalUser]
            public partial interface IStore
            {
                Task PutAsync(string {|CGEN3003:key|}, byte[] {|CGEN3003:value|}, System.ReadOnlyMemory<byte> {|CGEN3003:extra|}, CancellationToken cancellationToken = default);
                Task TagAsync(int[] {|CGEN3003:ids|}, List<string>? {|#1:tags|}, Dictionary<string, int> {|#2:counts|}, CancellationToken cancellationToken = default);
                Task OrderAsync([MaxLength(4)] Order[] orders, [MaxLength] string {|CGEN3003:comment|}, CancellationToken cancellationToken = default);
            }
            """,
            new DiagnosticResult(DiagnosticDescriptors.UnboundedInput).WithLocation(0).WithArguments("member", "orders[].Note", "OrderAsync", "StringLength", "MaxStringLength"),
            // An unbounded list of unbounded strings: both the count and each string.
            Unbounded(1, "parameter", "tags", "TagAsync", "MaxLength", "MaxCollectionLength"),
            Unbounded(1, "each element of parameter", "tags", "TagAsync", "ElementMaxLength", "MaxStringLength"),
            Unbounded(2, "parameter", "counts", "TagAsync", "MaxLength", "MaxCollectionLength"),
            Unbounded(2, "each key of parameter", "counts", "TagAsync", "KeyMaxLength", "MaxStringLength"));

    [Fact]
    public Task CGEN3003_elements_and_keys_of_bounded_collections()
        => AnalyzerAsync<UnboundedInputAnalyzer>(Usings + """
            [MemoryPackable]
            public sealed partial class Item
            {
                [MaxLength(4)]
                public List<string> {|#4:Labels|} { get; set; } = new();
            }

            [ServiceContract(Name = "com.example.store")]
            [AllowAnyLocalUser]
            public partial interface IStore
            {
                Task TagAsync([MaxLength(8)] List<string> {|#0:tags|}, [MaxLength(4)] Dictionary<string, byte[]> {|#1:blobs|}, CancellationToken cancellationToken = default);
                Task GridAsync([MaxLength(4), ElementMaxLength(4)] List<List<string>> {|#2:grid|}, [MaxLength(2)] string[][] {|#3:jagged|}, [MaxLength(2)] Item[] items, CancellationToken cancellationToken = default);
            }
            """,
            Unbounded(0, "each element of parameter", "tags", "TagAsync", "ElementMaxLength", "MaxStringLength"),
            Unbounded(1, "each key of parameter", "blobs", "TagAsync", "KeyMaxLength", "MaxStringLength"),
            Unbounded(1, "each element of parameter", "blobs", "TagAsync", "ElementMaxLength", "MaxByteLength"),
            Unbounded(2, "each element of parameter", "grid[]", "GridAsync", "ElementMaxLength", "MaxStringLength"),
            Unbounded(3, "each element of parameter", "jagged", "GridAsync", "ElementMaxLength", "MaxCollectionLength"),
            Unbounded(3, "each element of parameter", "jagged[]", "GridAsync", "ElementMaxLength", "MaxStringLength"),
            Unbounded(4, "each element of member", "items[].Labels", "GridAsync", "ElementMaxLength", "MaxStringLength"));

    [Fact]
    public Task CGEN3003_not_reported_for_elements_with_element_bounds_contract_wide_bounds_or_scalars()
        => AnalyzerAsync<UnboundedInputAnalyzer>(Usings + """
            [ServiceContract(Name = "com.example.store")]
            [AllowAnyLocalUser]
            public partial interface IStore
            {
                Task TagAsync([MaxLength(8), ElementMaxLength(64)] List<string> tags, [MaxLength(4), KeyMaxLength(16), ElementMaxLength(1024)] Dictionary<string, byte[]> blobs, [MaxLength(8)] List<int> ids, [MaxLength(8)] Dictionary<int, long> counts, CancellationToken cancellationToken = default);
                Task GridAsync([MaxLength(4), ElementMaxLength(4), ElementMaxLength(10, Depth = 2)] List<List<string>> grid, [MaxLength(2), ElementMaxLength(0)] byte[][] empties, CancellationToken cancellationToken = default);
            }

            [ServiceContract(Name = "com.example.strings", MaxStringLength = 256)]
            [AllowAnyLocalUser]
            public partial interface IStrings
            {
                Task TagAsync([MaxLength(8)] List<string> tags, [MaxLength(8)] Dictionary<string, string> labels, CancellationToken cancellationToken = default);
            }
            """);

    [Fact]
    public Task Fix_adds_ElementMaxLength_KeyMaxLength_and_Depth()
        => CodeFixAsync<UnboundedInputAnalyzer, AddBoundCodeFix>(
            """
            using System.Collections.Generic;
            using System.ComponentModel.DataAnnotations;
            using System.Threading;
            using System.Threading.Tasks;
            using ContractGen;

            [ServiceContract(Name = "com.example.store")]
            [AllowAnyLocalUser]
            public partial interface IStore
            {
                Task TagAsync([MaxLength(8)] List<string> {|CGEN3003:tags|}, [MaxLength(4), ElementMaxLength(16)] Dictionary<string, string> {|CGEN3003:labels|}, [MaxLength(4), ElementMaxLength(4)] List<List<string>> {|CGEN3003:grid|}, CancellationToken cancellationToken = default);
            }
            """,
            """
            using System.Collections.Generic;
            using System.ComponentModel.DataAnnotations;
            using System.Threading;
            using System.Threading.Tasks;
            using ContractGen;

            [ServiceContract(Name = "com.example.store")]
            [AllowAnyLocalUser]
            public partial interface IStore
            {
                Task TagAsync([MaxLength(8), ElementMaxLength(1024)] List<string> tags, [MaxLength(4), ElementMaxLength(16), KeyMaxLength(1024)] Dictionary<string, string> labels, [MaxLength(4), ElementMaxLength(4), ElementMaxLength(1024, Depth = 2)] List<List<string>> grid, CancellationToken cancellationToken = default);
            }
            """,
            AddBoundCodeFix.EquivalenceKey,
            iterations: 3);

    [Fact]
    public Task Fix_bounds_an_unbounded_list_and_its_strings_in_one_go()
        => CodeFixAsync<UnboundedInputAnalyzer, AddBoundCodeFix>(
            """
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using ContractGen;

            [ServiceContract(Name = "com.example.store")]
            [AllowAnyLocalUser]
            public partial interface IStore
            {
                Task TagAsync(List<string> {|CGEN3003:{|CGEN3003:tags|}|}, CancellationToken cancellationToken = default);
            }
            """,
            """
            using System.Collections.Generic;
            using System.ComponentModel.DataAnnotations;
            using System.Threading;
            using System.Threading.Tasks;
            using ContractGen;

            [ServiceContract(Name = "com.example.store")]
            [AllowAnyLocalUser]
            public partial interface IStore
            {
                Task TagAsync([ElementMaxLength(1024), MaxLength(1024)] List<string> tags, CancellationToken cancellationToken = default);
            }
            """,
            AddBoundCodeFix.EquivalenceKey,
            iterations: 2);

    private static DiagnosticResult Unbounded(int location, string kind, string path, string method, string attribute, string setting)
        => new DiagnosticResult(DiagnosticDescriptors.UnboundedInput).WithLocation(location).WithArguments(kind, path, method, attribute, setting);

    [Fact]
    public Task CGEN3003_not_reported_with_attributes_contract_wide_bounds_or_outside_the_system_context()
        => AnalyzerAsync<UnboundedInputAnalyzer>(Usings + """
            [ServiceContract(Name = "com.example.store")]
            [AllowAnyLocalUser]
            public partial interface IStore
            {
                Task PutAsync([StringLength(64)] string key, [MaxLength(4096)] byte[] value, [Length(1, 10)] List<int> ids, [MaxLength(3), ElementMaxLength(32)] string[] names, int count, CancellationToken cancellationToken = default);
            }

            [ServiceContract(Name = "com.example.bounded", MaxStringLength = 256, MaxCollectionLength = 100, MaxByteLength = 4096)]
            [AllowAnyLocalUser]
            public partial interface IBounded
            {
                Task PutAsync(string key, byte[] value, List<string> tags, Dictionary<string, string> map, CancellationToken cancellationToken = default);
            }

            [ServiceContract(Name = "com.example.agent", Context = ServiceContext.User)]
            public partial interface IAgent
            {
                Task PutAsync(string key, byte[] value, CancellationToken cancellationToken = default);
            }
            """);

    [Fact]
    public Task CGEN3003_inherited_members_are_inputs_too()
        // MemoryPack writes a packable class's inherited public members: they reach the daemon like its own, so they need
        // a bound like its own (and the generated validator checks the one they get).
        => AnalyzerAsync<UnboundedInputAnalyzer>(Usings + """
            public class Entity
            {
                public string {|#0:Id|} { get; set; } = "";

                [StringLength(64)]
                public string Owner { get; set; } = "";
            }

            [MemoryPackable]
            public sealed partial class Order : Entity
            {
                [StringLength(8)]
                public string Sku { get; set; } = "";
            }

            [ServiceContract(Name = "com.example.store")]
            [AllowAnyLocalUser]
            public partial interface IStore
            {
                Task PutAsync(Order order, CancellationToken cancellationToken = default);
            }
            """,
            new DiagnosticResult(DiagnosticDescriptors.UnboundedInput).WithLocation(0).WithArguments("member", "order.Id", "PutAsync", "StringLength", "MaxStringLength"));

    [Fact]
    public Task Fix_adds_StringLength_or_MaxLength_and_the_using()
        => CodeFixAsync<UnboundedInputAnalyzer, AddBoundCodeFix>(
            """
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using ContractGen;
            using MemoryPack;

            [MemoryPackable]
            public sealed partial record Order(string {|CGEN3003:Sku|}, int Quantity);

            [ServiceContract(Name = "com.example.store")]
            [AllowAnyLocalUser]
            public partial interface IStore
            {
                Task PutAsync(string {|CGEN3003:key|}, byte[] {|CGEN3003:value|}, List<Order> {|CGEN3003:orders|}, CancellationToken cancellationToken = default);
            }
            """,
            """
            using System.Collections.Generic;
            using System.ComponentModel.DataAnnotations;
            using System.Threading;
            using System.Threading.Tasks;
            using ContractGen;
            using MemoryPack;

            [MemoryPackable]
            public sealed partial record Order([StringLength(1024)] string Sku, int Quantity);

            [ServiceContract(Name = "com.example.store")]
            [AllowAnyLocalUser]
            public partial interface IStore
            {
                Task PutAsync([StringLength(1024)] string key, [MaxLength(65536)] byte[] value, [MaxLength(1024)] List<Order> orders, CancellationToken cancellationToken = default);
            }
            """,
            AddBoundCodeFix.EquivalenceKey,
            iterations: 4);

    [Fact]
    public async Task Fix_all_bounds_members_and_parameters_in_every_document_in_one_pass()
    {
        // The member's diagnostic sits in the record's document, though the contract that receives it is elsewhere.
        var test = new CodeFixTest<UnboundedInputAnalyzer, AddBoundCodeFix>(string.Empty, string.Empty, AddBoundCodeFix.EquivalenceKey)
        {
            NumberOfIncrementalIterations = 4,
            NumberOfFixAllInDocumentIterations = 2,
            NumberOfFixAllIterations = 1,
        };
        test.TestState.Sources.Clear();
        test.FixedState.Sources.Clear();
        test.TestState.Sources.Add(("Order.cs", """
            using System.Collections.Generic;
            using MemoryPack;

            namespace Example;

            [MemoryPackable]
            public sealed partial record Order(string {|CGEN3003:Sku|}, List<int> {|CGEN3003:Lines|});
            """));
        test.TestState.Sources.Add(("Store.cs", """
            using System.Threading;
            using System.Threading.Tasks;
            using ContractGen;

            namespace Example;

            [ServiceContract(Name = "com.example.store")]
            [AllowAnyLocalUser]
            public partial interface IStore
            {
                Task PutAsync(string {|CGEN3003:key|}, Order order, byte[] {|CGEN3003:blob|}, CancellationToken cancellationToken = default);
            }
            """));
        test.FixedState.Sources.Add(("Order.cs", """
            using System.Collections.Generic;
            using System.ComponentModel.DataAnnotations;
            using MemoryPack;

            namespace Example;

            [MemoryPackable]
            public sealed partial record Order([StringLength(1024)] string Sku, [MaxLength(1024)] List<int> Lines);
            """));
        test.FixedState.Sources.Add(("Store.cs", """
            using System.ComponentModel.DataAnnotations;
            using System.Threading;
            using System.Threading.Tasks;
            using ContractGen;

            namespace Example;

            [ServiceContract(Name = "com.example.store")]
            [AllowAnyLocalUser]
            public partial interface IStore
            {
                Task PutAsync([StringLength(1024)] string key, Order order, [MaxLength(65536)] byte[] blob, CancellationToken cancellationToken = default);
            }
            """));
        await test.RunAsync();
    }

    [Fact]
    public void Fix_is_registered_for_CGEN3003_with_a_stable_key_and_fix_all()
    {
        var fix = new AddBoundCodeFix();
        Assert.Equal("CGEN3003", Assert.Single(fix.FixableDiagnosticIds));
        Assert.Equal("ContractGen.AddBound", AddBoundCodeFix.EquivalenceKey);
        Assert.Contains(Microsoft.CodeAnalysis.CodeFixes.FixAllScope.Solution, fix.GetFixAllProvider().GetSupportedFixAllScopes());
    }

    [Fact]
    public Task CGEN3003_members_of_union_cases_are_inputs_too()
        // MemoryPack decodes one of the listed cases: its members reach the daemon like any packable type's, and the
        // generated validator checks the bound they get.
        => AnalyzerAsync<UnboundedInputAnalyzer>(Usings + """
            [MemoryPackable]
            [MemoryPackUnion(0, typeof(Circle))]
            [MemoryPackUnion(1, typeof(Label))]
            public abstract partial class Shape
            {
            }

            [MemoryPackable]
            public sealed partial class Circle : Shape
            {
                public double Radius { get; set; }
            }

            [MemoryPackable]
            public sealed partial class Label : Shape
            {
                public string {|#0:Text|} { get; set; } = "";
                [MaxLength(4)] public List<int> Sizes { get; set; } = new();
            }

            [ServiceContract(Name = "com.example.drawing")]
            [AllowAnyLocalUser]
            public partial interface IDrawing
            {
                Task DrawAsync(Shape shape, CancellationToken cancellationToken = default);
            }
            """,
            new DiagnosticResult(DiagnosticDescriptors.UnboundedInput).WithLocation(0).WithArguments("member", "shape(as Label).Text", "DrawAsync", "StringLength", "MaxStringLength"));

    [Fact]
    public Task CGEN3003_not_reported_for_bounded_members_of_union_cases()
        => AnalyzerAsync<UnboundedInputAnalyzer>(Usings + """
            [MemoryPackable]
            [MemoryPackUnion(0, typeof(Label))]
            public partial interface IShape
            {
            }

            [MemoryPackable]
            public sealed partial record Label([property: StringLength(32)] string Text, [property: MaxLength(4)] List<int> Sizes) : IShape;

            [ServiceContract(Name = "com.example.drawing")]
            [AllowAnyLocalUser]
            public partial interface IDrawing
            {
                Task DrawAsync(IShape? shape, CancellationToken cancellationToken = default);
            }

            [ServiceContract(Name = "com.example.bounded", MaxStringLength = 256, MaxCollectionLength = 16)]
            [AllowAnyLocalUser]
            public partial interface IBounded
            {
                Task DrawAllAsync(List<IShape> shapes, CancellationToken cancellationToken = default);
            }
            """);
}
