using MemoryPack;

namespace ContractGen.Tests;

/// <summary>A closed set of shapes: the receiver creates only the cases the union lists (CGEN3004 asks for this).</summary>
[MemoryPackable]
[MemoryPackUnion(0, typeof(CircleShape))]
[MemoryPackUnion(1, typeof(RectangleShape))]
public abstract partial class Shape
{
}

/// <summary>A union case.</summary>
[MemoryPackable]
public sealed partial class CircleShape : Shape
{
    public double Radius { get; set; }
}

/// <summary>A union case.</summary>
[MemoryPackable]
public sealed partial class RectangleShape : Shape
{
    public double Width { get; set; }
    public double Height { get; set; }
}

/// <summary>An interface union.</summary>
[MemoryPackable]
[MemoryPackUnion(0, typeof(Moved))]
public partial interface IShapeEvent
{
}

/// <summary>An interface union's case.</summary>
[MemoryPackable]
public sealed partial record Moved(double Dx, double Dy) : IShapeEvent;

/// <summary>Unions as parameters and results: written through their registered formatters, not WritePackable.</summary>
[ServiceContract(Name = "tests.shapes", Context = ServiceContext.System, MaxStringLength = 256, MaxCollectionLength = 64, MaxByteLength = 1024)]
[AllowAnyLocalUser]
public partial interface IShapes
{
    Task<Shape> ScaleAsync(Shape shape, double factor, CancellationToken cancellationToken = default);
    Task<double> TotalAreaAsync(List<Shape> shapes, CancellationToken cancellationToken = default);
    Task<IShapeEvent?> EchoAsync(IShapeEvent? shapeEvent, CancellationToken cancellationToken = default);
}

internal sealed class ShapesService : IShapes
{
    public Task<Shape> ScaleAsync(Shape shape, double factor, CancellationToken cancellationToken = default)
        => Task.FromResult<Shape>(shape switch
        {
            CircleShape c => new CircleShape { Radius = c.Radius * factor },
            RectangleShape r => new RectangleShape { Width = r.Width * factor, Height = r.Height * factor },
            _ => throw new ArgumentException("Unknown shape.", nameof(shape)),
        });

    public Task<double> TotalAreaAsync(List<Shape> shapes, CancellationToken cancellationToken = default)
        => Task.FromResult(shapes.Sum(s => s switch
        {
            CircleShape c => Math.PI * c.Radius * c.Radius,
            RectangleShape r => r.Width * r.Height,
            _ => throw new ArgumentException("Unknown shape.", nameof(shapes)),
        }));

    public Task<IShapeEvent?> EchoAsync(IShapeEvent? shapeEvent, CancellationToken cancellationToken = default)
        => Task.FromResult(shapeEvent);
}

public sealed class UnionTests
{
    [Fact]
    public async Task Union_cases_keep_their_concrete_type_across_the_wire()
    {
        await using var host = await TestHost.StartAsync(services: (h, _) => h.AddService<IShapes>(new ShapesService()));
        var proxy = (await host.ConnectAsync<IShapes>()).Proxy;

        var circle = Assert.IsType<CircleShape>(await proxy.ScaleAsync(new CircleShape { Radius = 2 }, 3).WithPatience());
        Assert.Equal(6, circle.Radius);
        var rectangle = Assert.IsType<RectangleShape>(await proxy.ScaleAsync(new RectangleShape { Width = 2, Height = 5 }, 2).WithPatience());
        Assert.Equal((4d, 10d), (rectangle.Width, rectangle.Height));

        var area = await proxy.TotalAreaAsync([new RectangleShape { Width = 2, Height = 3 }, new RectangleShape { Width = 1, Height = 1 }]).WithPatience();
        Assert.Equal(7, area);
    }

    [Fact]
    public async Task An_interface_union_and_its_null_round_trip()
    {
        await using var host = await TestHost.StartAsync(services: (h, _) => h.AddService<IShapes>(new ShapesService()));
        var proxy = (await host.ConnectAsync<IShapes>()).Proxy;

        Assert.Equal(new Moved(1.5, -2), await proxy.EchoAsync(new Moved(1.5, -2)).WithPatience());
        Assert.Null(await proxy.EchoAsync(null).WithPatience());
    }
}
