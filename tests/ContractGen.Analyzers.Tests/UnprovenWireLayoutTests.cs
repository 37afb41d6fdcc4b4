using Xunit;
using static ContractGen.Analyzers.Tests.VerifySafety;

namespace ContractGen.Analyzers.Tests;

/// <summary>CGEN3008: a transferred layout the generated scan cannot prove is an error where a privilege boundary is crossed.</summary>
public sealed class UnprovenWireLayoutTests
{
    [Fact]
    public Task CGEN3008_custom_formatters_and_other_generate_types_in_a_System_contract()
        => AnalyzerAsync<UnprovenWireLayoutAnalyzer>(Usings + """
            [MemoryPackable]
            public sealed partial class Upload
            {
                // Brotli: the scan cannot know what the compressed bytes expand to.
                [BrotliFormatter] public byte[] Blob { get; set; } = [];
            }

            [MemoryPackable(GenerateType.VersionTolerant)]
            public sealed partial class Settings
            {
                [MemoryPackOrder(0)] public string Name { get; set; } = "";
            }

            [MemoryPackable]
            public sealed partial class Wrapper
            {
                public List<Settings> All { get; set; } = new();
            }

            [ServiceContract(Name = "com.example.uploads", MaxStringLength = 4096, MaxCollectionLength = 16, MaxByteLength = 1024)]
            [AllowAnyLocalUser]
            public partial interface IUploads
            {
                Task SendAsync(Upload {|CGEN3008:upload|}, CancellationToken cancellationToken = default);
                Task ApplyAsync(Settings {|CGEN3008:settings|}, CancellationToken cancellationToken = default);
                Task<Wrapper> {|CGEN3008:ReadAsync|}(CancellationToken cancellationToken = default);
            }
            """);

    [Fact]
    public Task CGEN3008_not_reported_for_the_layouts_the_scan_proves()
        => AnalyzerAsync<UnprovenWireLayoutAnalyzer>(Usings + """
            public enum Color { Red, Green }

            [MemoryPackable]
            public partial struct Point
            {
                public int X { get; set; }
                public int Y { get; set; }
            }

            [MemoryPackable]
            [MemoryPackUnion(0, typeof(Circle))]
            [MemoryPackUnion(300, typeof(Square))]
            public abstract partial class Shape
            {
            }

            [MemoryPackable]
            public sealed partial class Circle : Shape
            {
                public double Radius { get; set; }
                public Point Centre { get; set; }
            }

            [MemoryPackable]
            public sealed partial class Square : Shape
            {
                public List<Shape> Children { get; set; } = new();
                public Dictionary<string, Color?> Colors { get; set; } = new();
                public System.Guid? Id { get; set; }
                public string?[]? Names { get; set; }
            }

            [ServiceContract(Name = "com.example.shapes", MaxStringLength = 4096, MaxCollectionLength = 16, MaxByteLength = 1024)]
            [AllowAnyLocalUser]
            public partial interface IShapes
            {
                Task DrawAsync(Shape shape, List<Point> points, Dictionary<int, long> sizes, byte[] image, CancellationToken cancellationToken = default);
                Task<Shape?> FindAsync(string name, CancellationToken cancellationToken = default);
            }
            """);
}
