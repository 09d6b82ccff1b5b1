using System.IO.Compression;
using Backprop.Data;
using Backprop.Tensors;
using Backprop.Tests.Cli;

namespace Backprop.Tests.Data;

public class DataTests
{
    [Fact]
    public void Idx_ReadsGzippedBytesWithTheirShape()
    {
        using var dir = new TempDir();
        string path = dir["images.gz"];
        using (var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest))
            gz.Write([0, 0, 0x08, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        var (data, shape) = Idx.Read(path);
        Assert.Equal([2, 2, 3], shape);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (byte)i), data);
    }

    [Fact]
    public void Idx_TruncatedOrForeignFiles_GiveClearErrors()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir["short"], [0, 0, 0x08, 1, 0, 0, 0, 10, 1, 2]);
        Assert.Contains("truncated", Assert.Throws<BackpropException>(() => Idx.Read(dir["short"])).Message);
        File.WriteAllBytes(dir["negative"], [0, 0, 0x08, 1, 0xff, 0xff, 0xff, 0xf0]);
        Assert.Contains("corrupt IDX file (dimension 0 is -16)", Assert.Throws<BackpropException>(() => Idx.Read(dir["negative"])).Message);
        File.WriteAllBytes(dir["cut"], [0, 0, 0x08, 2, 0, 0]);
        Assert.Contains("truncated", Assert.Throws<BackpropException>(() => Idx.Read(dir["cut"])).Message);
        File.WriteAllBytes(dir["png"], [0x89, 0x50, 0x4e, 0x47]);
        Assert.Contains("not an IDX file", Assert.Throws<BackpropException>(() => Idx.Read(dir["png"])).Message);
    }

    [Fact]
    public void FashionMnist_WhenMissing_SaysHowToInstallIt()
    {
        var e = Assert.Throws<BackpropException>(() => FashionMnist.Load("/nonexistent/fashion"));
        Assert.Contains("apt-get install dataset-fashion-mnist", e.Message);
    }

    [Fact]
    public void FashionMnist_HasItsKnownShape()
    {
        var (train, test) = FashionMnist.Load();
        Assert.Equal((60_000, 10_000, 784, 10), (train.Count, test.Count, train.FeatureCount, train.Classes));
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(6000, train.Labels!.Count(l => l == c)));
        Assert.InRange(train.Features.Max(), 0.99f, 1f);
    }

    [Fact]
    public void CsvDataset_ClassificationAndRegression()
    {
        using var dir = new TempDir();
        var cls = CsvDataset.Load(dir.File("c.csv", "x,y,label\n1,2,0\n3,4,2\n5,6,1\n"));
        Assert.Equal((3, 2, 3), (cls.Count, cls.FeatureCount, cls.Classes));
        Assert.Equal([0, 2, 1], cls.Labels!);
        var reg = CsvDataset.Load(dir.File("r.csv", "1,2,0.5\n3,4,-1.5\n"));
        Assert.False(reg.IsClassification);
        Assert.Equal([0.5f, -1.5f], reg.Targets!);
    }

    [Fact]
    public void Batcher_EncodesTargetsForEachLoss()
    {
        var data = Synthetic.Blobs(6, 3, 1);
        var x = new Matrix<double>(0, 0);
        var t = new Matrix<double>(0, 0);
        Batcher.Fill(data, [4, 1], Batcher.EncodingFor(data, "cross_entropy", 3), x, t, 3);
        Assert.Equal((2, 1), (t.Rows, t.Cols));
        Assert.Equal(data.Labels![4], (int)t[0, 0]);
        Assert.Equal(data.Row(1)[1], (float)x[1, 1]);
        Batcher.Fill(data, [4, 1], Batcher.EncodingFor(data, "mse", 3), x, t, 3);
        Assert.Equal((2, 3), (t.Rows, t.Cols));
        Assert.Equal(1.0, t[1, data.Labels[1]]);
        Assert.Equal(1.0, t.Row(0).ToArray().Sum());
    }

    [Fact]
    public void SplitsAndSyntheticSets_AreSeeded()
    {
        Assert.Equal(Synthetic.Spirals(100, 3).Features, Synthetic.Spirals(100, 3).Features);
        Assert.NotEqual(Synthetic.Spirals(100, 3).Features, Synthetic.Spirals(100, 4).Features);
        var data = Synthetic.Circles(100, 1);
        var (a, b) = data.Split(0.2, seed: 5);
        Assert.Equal((80, 20), (a.Count, b.Count));
        Assert.Equal(a.Features, data.Split(0.2, seed: 5).Train.Features);
    }
}
