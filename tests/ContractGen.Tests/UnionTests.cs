using System.ComponentModel.DataAnnotations;
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

/// <summary>A union whose case carries a string: the daemon checks the case's members like any packable type's.</summary>
[MemoryPackable]
[MemoryPackUnion(0, typeof(PinNote))]
[MemoryPackUnion(1, typeof(TextNote))]
public abstract partial class Note
{
}

/// <summary>A union case with nothing to check.</summary>
[MemoryPackable]
public sealed partial class PinNote : Note
{
    public double X { get; set; }
}

/// <summary>A union case with a bounded string.</summary>
[MemoryPackable]
public sealed partial class TextNote : Note
{
    [StringLength(16)]
    public string Text { get; set; } = "";
}

/// <summary>Takes union values, so their cases' members are validated before the implementation runs.</summary>
[ServiceContract(Name = "tests.notes", Context = ServiceContext.System, MaxStringLength = 256, MaxCollectionLength = 64, MaxByteLength = 1024)]
[AllowAnyLocalUser]
public partial interface INotes
{
    Task<int> PostAsync(List<Note> notes, CancellationToken cancellationToken = default);
}

internal sealed class NotesService : INotes
{
    private int _calls;

    /// <summary>How many calls reached the implementation.</summary>
    public int Calls => Volatile.Read(ref _calls);

    public Task<int> PostAsync(List<Note> notes, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(notes.Count);
    }
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

    [Fact]
    public async Task A_union_case_with_a_too_long_string_is_refused_with_the_case_in_the_path()
    {
        var service = new NotesService();
        await using var host = await TestHost.StartAsync(services: (h, _) => h.AddService<INotes>(service));
        var proxy = (await host.ConnectAsync<INotes>()).Proxy;

        Assert.Equal(2, await proxy.PostAsync([new PinNote { X = 1 }, new TextNote { Text = new string('x', 16) }]).WithPatience());
        Assert.Equal(1, service.Calls);

        var error = await Assert.ThrowsAsync<ArgumentValidationException>(
            () => proxy.PostAsync([new PinNote { X = 1 }, new TextNote { Text = new string('x', 17) }]).WithPatience());
        Assert.Equal("notes[1](as TextNote).Text", error.Path);
        Assert.Equal("[StringLength]", error.Rule);
        Assert.Equal(1, service.Calls);
    }
}
