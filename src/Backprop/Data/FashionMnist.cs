namespace Backprop.Data;

/// <summary>Fashion-MNIST: 28×28 grey images of clothes in 10 classes, 60,000 to train and 10,000 to test.</summary>
public static class FashionMnist
{
    /// <summary>Where Debian's dataset-fashion-mnist package puts the files.</summary>
    public const string DebianDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The ten classes, in label order.</summary>
    public static readonly string[] ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Whether the files are in <paramref name="directory"/>.</summary>
    /// <param name="directory">Where to look.</param>
    public static bool IsInstalled(string directory = DebianDirectory) =>
        File.Exists(Path.Combine(directory, "train-images-idx3-ubyte.gz"));

    /// <summary>Both parts, pixels scaled to [0, 1].</summary>
    public static (Dataset Train, Dataset Test) Load(string directory = DebianDirectory)
    {
        if (!IsInstalled(directory))
            throw new BackpropException($"Fashion-MNIST not found in {directory}: install it with 'sudo apt-get install dataset-fashion-mnist'");
        return (Part(directory, "train", "fashion-mnist (train)"), Part(directory, "t10k", "fashion-mnist (test)"));
    }

    private static Dataset Part(string directory, string prefix, string name)
    {
        var (pixels, shape) = Idx.Read(Path.Combine(directory, $"{prefix}-images-idx3-ubyte.gz"));
        var (labels, labelShape) = Idx.Read(Path.Combine(directory, $"{prefix}-labels-idx1-ubyte.gz"));
        if (shape.Length != 3 || labelShape.Length != 1 || labelShape[0] != shape[0])
            throw new BackpropException($"{directory}: {prefix} images {string.Join('×', shape)} do not match labels {string.Join('×', labelShape)}");
        var x = new float[pixels.Length];
        for (int i = 0; i < x.Length; i++) x[i] = pixels[i] / 255f;
        return new Dataset(name, x, shape[1] * shape[2], [.. labels.Select(b => (int)b)], 10, ClassNames);
    }
}
