using System.Runtime.CompilerServices;
using ContractGen.Generator.Tests.Infrastructure;
using Xunit;

namespace ContractGen.Generator.Tests;

/// <summary>
/// The generated source of representative contracts, compared with the files under
/// <c>Snapshots/GeneratorSnapshotTests/</c>. Each run also checks that the output compiles without warnings (nullable
/// on) and that re-running the generator is fully cached (see <see cref="GeneratorHarness.Run(string[])"/>).
/// </summary>
public sealed class GeneratorSnapshotTests
{
    [Fact]
    public void Clock_contract()
        => Verify(GeneratorHarness.Run(TestSources.Clock));

    [Fact]
    public void Every_supported_type()
        => Verify(GeneratorHarness.Run("""
            using System;
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using ContractGen;
            using MemoryPack;

            namespace Example.Types;

            public enum Color { Red, Green, Blue }

            [Flags]
            public enum Access : byte { None = 0, Read = 1, Write = 2 }

            [MemoryPackable]
            public partial class Order
            {
                public string Sku { get; set; } = "";
                public int Quantity { get; set; }
                public List<string> Tags { get; set; } = new();
            }

            [MemoryPackable]
            public partial struct Point
            {
                public int X { get; set; }
                public int Y { get; set; }
            }

            [ServiceContract(Name = "example.types")]
            public partial interface ITypes
            {
                Task Primitives(bool flag, byte u8, sbyte s8, short s16, ushort u16, int s32, uint u32, long s64, ulong u64, float f32, double f64, decimal money, char letter);
                Task Structs(Half half, Int128 big, UInt128 ubig, DateOnly date, TimeOnly time);
                ValueTask<bool> EchoBool(bool value);
                ValueTask<int> EchoInt(int value);
                ValueTask<decimal> EchoDecimal(decimal value);
                ValueTask<char> EchoChar(char value);
                ValueTask<string> EchoString(string value);
                ValueTask<string?> EchoNullableString(string? value);
                ValueTask<byte[]> EchoBytes(byte[] value);
                ValueTask<byte[]?> EchoNullableBytes(byte[]? value);
                ValueTask<ReadOnlyMemory<byte>> EchoMemory(ReadOnlyMemory<byte> value);
                ValueTask<Color> EchoEnum(Color value);
                ValueTask<Access> EchoFlags(Access value);
                ValueTask<DateTime> EchoDateTime(DateTime value);
                ValueTask<DateTimeOffset> EchoDateTimeOffset(DateTimeOffset value);
                ValueTask<TimeSpan> EchoTimeSpan(TimeSpan value);
                ValueTask<Guid> EchoGuid(Guid value);
                ValueTask<int?> EchoNullableInt(int? value);
                ValueTask<bool?> EchoNullableBool(bool? value);
                ValueTask<Color?> EchoNullableEnum(Color? value);
                ValueTask<Guid?> EchoNullableGuid(Guid? value);
                ValueTask<int[]> EchoIntArray(int[] value);
                ValueTask<string?[]> EchoStringArray(string?[] value);
                ValueTask<Order[]?> EchoOrderArray(Order[]? value);
                ValueTask<int[][]> EchoJaggedArray(int[][] value);
                ValueTask<List<string>> EchoList(List<string> value);
                ValueTask<List<Order?>?> EchoNullableList(List<Order?>? value);
                ValueTask<Dictionary<string, int>> EchoDictionary(Dictionary<string, int> value);
                ValueTask<Dictionary<Guid, List<Order>>> EchoNestedDictionary(Dictionary<Guid, List<Order>> value);
                ValueTask<List<ReadOnlyMemory<byte>>> EchoChunks(List<ReadOnlyMemory<byte>> value);
                ValueTask<Order> EchoOrder(Order value);
                ValueTask<Order?> EchoNullableOrder(Order? value);
                ValueTask<Point> EchoPoint(Point value);
                ValueTask<Point?> EchoNullablePoint(Point? value);
            }
            """));

    [Fact]
    public void Contract_nested_in_partial_classes()
        => Verify(GeneratorHarness.Run("""
            using System.Threading.Tasks;
            using ContractGen;

            namespace Example.Nested;

            public static partial class Outer
            {
                internal partial class Middle
                {
                    [ServiceContract(Name = "example.nested", Context = ServiceContext.User)]
                    public partial interface IInner
                    {
                        ValueTask<int> PingAsync(int value);
                    }
                }
            }
            """));

    [Fact]
    public void Contract_in_the_global_namespace()
        => Verify(GeneratorHarness.Run("""
            using System.Threading.Tasks;
            using ContractGen;

            [ServiceContract(Name = "global.echo", Context = ServiceContext.Application)]
            public partial interface IGlobalEcho
            {
                Task<string> EchoAsync(string text);
            }
            """));

    [Fact]
    public void Contract_inheriting_another_contract()
        => Verify(GeneratorHarness.Run("""
            using System.Threading;
            using System.Threading.Tasks;
            using ContractGen;

            namespace Example.Inheritance;

            [ServiceContract(Name = "example.base")]
            public partial interface IBaseService
            {
                ValueTask<string> VersionAsync();
            }

            public interface IPingable
            {
                Task PingAsync(CancellationToken ct);
            }

            [ServiceContract(Name = "example.derived")]
            public partial interface IDerivedService : IBaseService, IPingable
            {
                ValueTask<int> CountAsync(string prefix);
            }
            """));

    [Fact]
    public void Contract_in_nullable_oblivious_code()
        => Verify(GeneratorHarness.Run("""
            #nullable disable
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using ContractGen;
            using MemoryPack;

            namespace Example.Legacy;

            [MemoryPackable]
            public partial class Record
            {
                public string Text { get; set; }
            }

            [ServiceContract(Name = "example.legacy")]
            public partial interface ILegacy
            {
                Task<string> EchoAsync(string text, byte[] bytes, List<string> list, string[] array, Record record);
                ValueTask<Record> GetAsync();
                IAsyncEnumerable<string> StreamAsync();
            }
            """));

    [Fact]
    public void Validated_arguments()
        => Verify(GeneratorHarness.Run("""
            using System;
            using System.Collections.Generic;
            using System.ComponentModel.DataAnnotations;
            using System.Threading.Tasks;
            using ContractGen;
            using MemoryPack;

            namespace Example.Validated;

            public enum Kind { A, B }

            [Flags]
            public enum Bits : ushort { None = 0, X = 1, Y = 4 }

            [MemoryPackable]
            public partial class Item
            {
                [Required, MaxLength(10)] public string Sku { get; set; } = "";
                [Range(1, 100)] public int Quantity { get; set; }
                public List<Item>? Children { get; set; }
            }

            [MemoryPackable]
            public partial struct Point
            {
                [Range(0, 10)] public int X { get; set; }
                public string? Label { get; set; }
            }

            [ServiceContract(Name = "example.validated", MaxStringLength = 100, MaxCollectionLength = 50)]
            public partial interface IValidated
            {
                Task TextAsync([Required] string name, [MinLength(2), MaxLength(5)] string? code, [RegularExpression("^[a-z]+$")] string word, [Base64String] string blob, [SafePath] string path);
                Task NumbersAsync([Range(0.5, 2.5)] double ratio, [Range(1, 10)] int? count, [AllowedValues("x", "y")] string choice, [DeniedValues(1, 2)] int other, Kind kind, Bits bits, Kind? maybe);
                Task DataAsync(Item item, List<Item> items, Dictionary<string, Item> byName, Point point, Point? maybePoint, List<Point> points);
                Task BytesAsync([MaxLength(3)] byte[] bytes, [MaxLength(4)] ReadOnlyMemory<byte> memory, [Length(1, 3)] List<string> names);
                Task ElementsAsync([MaxLength(4), ElementMaxLength(8)] List<string> tags, [KeyMaxLength(3), ElementMaxLength(5)] Dictionary<string, byte[]> blobs, [ElementMaxLength(2), ElementMaxLength(6, Depth = 2)] string[][] grid, [ElementMaxLength(0)] List<byte[]> empties);
            }
            """));

    [Fact]
    public void Union_arguments()
        // A union's validator switches on the case type (a derived case before its base) and checks each case's members;
        // a case with nothing to check still gets its label, so that only unknown types reach the failing default.
        => Verify(GeneratorHarness.Run("""
            using System.Collections.Generic;
            using System.ComponentModel.DataAnnotations;
            using System.Threading;
            using System.Threading.Tasks;
            using ContractGen;
            using MemoryPack;

            namespace Example.Unions;

            [MemoryPackable]
            [MemoryPackUnion(0, typeof(Circle))]
            [MemoryPackUnion(1, typeof(Square))]
            [MemoryPackUnion(2, typeof(LabelledCircle))]
            public abstract partial class Shape
            {
            }

            [MemoryPackable]
            public partial class Circle : Shape
            {
                [Range(0, 100)] public double Radius { get; set; }
            }

            [MemoryPackable]
            public sealed partial class LabelledCircle : Circle
            {
                public string Label { get; set; } = "";
                [SafePath(Root = "/srv/shapes")] public string? Image { get; set; }
            }

            [MemoryPackable]
            public sealed partial class Square : Shape
            {
                public double Side { get; set; }
            }

            [MemoryPackable]
            [MemoryPackUnion(0, typeof(Renamed))]
            public partial interface IEvent
            {
            }

            [MemoryPackable]
            public sealed partial record Renamed([property: MaxLength(8)] string Title) : IEvent;

            [ServiceContract(Name = "example.unions", MaxStringLength = 64, MaxCollectionLength = 16)]
            public partial interface IUnions
            {
                Task DrawAsync(Shape shape, List<Shape> more, CancellationToken cancellationToken = default);
                Task<IEvent?> EchoAsync(IEvent? last, CancellationToken cancellationToken = default);
            }
            """));

    [Fact]
    public void Overloaded_methods()
        => Verify(GeneratorHarness.Run("""
            using System.Threading;
            using System.Threading.Tasks;
            using ContractGen;

            namespace Example.Overloads;

            [ServiceContract(Name = "example.calculator")]
            public partial interface ICalculator
            {
                ValueTask<int> AddAsync(int a, int b);
                ValueTask<long> AddAsync(long a, long b);
                ValueTask<double> AddAsync(double a, double b, CancellationToken ct);
                ValueTask<int> AddAsync(int[] values);
            }
            """));

    [Fact]
    public void Keyword_named_parameters()
        => Verify(GeneratorHarness.Run("""
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using ContractGen;

            namespace Example.Keywords;

            [ServiceContract(Name = "example.keywords")]
            public partial interface IKeywords
            {
                Task<string> DescribeAsync(string @class, int @event, bool @checked, string? @namespace);
                ValueTask<int> CountAsync(List<string> @params, CancellationToken @default);

                // A method named with a keyword.
                ValueTask<int> @checked(int @in);

                // Contextual keywords, and names the generated code uses for its own locals and parameters.
                Task SetAsync(int var, int await, int async, int value, int result, int reader, int writer, int payload, int serverCall, int connection, int arguments);
            }
            """));

    [Fact]
    public void Every_return_kind()
        => Verify(GeneratorHarness.Run("""
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using ContractGen;

            namespace Example.Returns;

            [ServiceContract(Name = "example.returns")]
            public partial interface IReturns
            {
                Task NoResultTask();
                Task<int> ResultTask(int value);
                ValueTask NoResultValueTask(CancellationToken ct);
                ValueTask<string?> ResultValueTask(CancellationToken ct = default);
                IAsyncEnumerable<string> StreamAsync(int count, CancellationToken ct = default);

                [OneWay]
                Task NotifyAsync(string message);
            }
            """));

    [Fact]
    public void Obsolete_members()
        => Verify(GeneratorHarness.Run("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            using ContractGen;
            using MemoryPack;

            namespace Example.Obsolete;

            [Obsolete("Use Receipt2.", DiagnosticId = "EX0001")]
            [MemoryPackable]
            public partial class Receipt
            {
                public string Number { get; set; } = "";
            }

            [ServiceContract(Name = "example.obsolete")]
            public partial interface IShop
            {
                [Obsolete("Removed in v2.", error: true)]
                ValueTask<long> TotalAsync(long a, long b);

            #pragma warning disable EX0001 // Old clients still send receipts.
                Task<Receipt> ReprintAsync(Receipt receipt, CancellationToken cancellationToken);
            #pragma warning restore EX0001

                ValueTask<int> CountAsync();
            }
            """));

    private static void Verify(GenerationResult result, [CallerMemberName] string testMethod = "")
        => Snapshots.Verify(result.Files, nameof(GeneratorSnapshotTests), testMethod);
}
