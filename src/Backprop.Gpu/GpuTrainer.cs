using System.Diagnostics;
using System.Numerics;
using Backprop.Data;
using Backprop.Gpu.Kernels;
using Backprop.Layers;
using Backprop.Model;
using Backprop.Tensors;
using Backprop.Training;
using ILGPU;
using ILGPU.Runtime;

namespace Backprop.Gpu;

/// <summary>
/// Mini-batch training on an ILGPU device, step for step the CPU <see cref="Trainer{T}"/>: the same seeded
/// shuffle (so the same batches), forward, loss, backward and optimizer step, and the same
/// <see cref="EpochReport"/>. The data set is uploaded once; a batch is 2L + 1 kernel launches for L dense
/// layers (L forward products, the first gathering its rows from the data set; the fused loss; L launches of
/// input-gradient products paired with the weight-gradient products of the layer above, whose epilogue
/// applies the optimizer step) and the host waits for the device once per epoch, when it reads the losses
/// and copies the weights back into <see cref="Network"/>.
/// </summary>
public sealed class GpuTrainer<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Accelerator _accelerator;
    private readonly Random _rng;
    private readonly DeviceLayer<T>[] _layers;
    private readonly UpdateRule<T> _rule;
    private readonly AcceleratorStream _stream; // everything the trainer enqueues goes here, in order
    private readonly Action<AcceleratorStream, KernelConfig, GemmArgs<T>, GemmArgs<T>, int> _gemm;
    private readonly Action<AcceleratorStream, KernelConfig, LossArgs<T>> _loss;
    private readonly Action<AcceleratorStream, KernelConfig, ArrayView<int>, int> _advance;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _stepBase;
    private MemoryBuffer1D<T, Stride1D.Dense>? _rules;
    private CudaGraph? _graph;
    private int _graphSteps = -1;
    private readonly int _lossThreads;
    private readonly MemoryBuffer1D<T, Stride1D.Dense> _stub;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _indexStub;
    private readonly MemoryBuffer1D<T, Stride1D.Dense> _groupLoss;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _groupCorrect, _lossArrivals;
    private readonly GemmArgs<T> _blank;
    private readonly List<MemoryBuffer> _data = [];
    private Dataset? _uploaded;
    private ArrayView<T> _features, _targets;
    private ArrayView<int> _labels, _order;
    private MemoryBuffer1D<T, Stride1D.Dense>? _batchLoss;
    private MemoryBuffer1D<int, Stride1D.Dense>? _batchCorrect;
    private long _steps;
    private int _epoch;
    private readonly MemoryBuffer1D<T, Stride1D.Dense>?[] _partial = new MemoryBuffer1D<T, Stride1D.Dense>?[2];
    private readonly MemoryBuffer1D<T, Stride1D.Dense>?[] _partialBias = new MemoryBuffer1D<T, Stride1D.Dense>?[2];
    private readonly MemoryBuffer1D<int, Stride1D.Dense>?[] _arrivals = new MemoryBuffer1D<int, Stride1D.Dense>?[2];
    private int _workspaceFor = -1;

    /// <summary>
    /// Copies the network's weights to <paramref name="device"/>. The optimizer must be an <see cref="Sgd{T}"/>
    /// (with or without momentum) or an <see cref="Adam{T}"/> that has not stepped yet; its settings are read,
    /// its state lives on the device.
    /// </summary>
    public GpuTrainer(Network<T> network, Optimizer<T> optimizer, int batchSize, int seed, GpuDevice device)
    {
        if (batchSize < 1) throw new BackpropException($"the batch size must be at least 1, got {batchSize}");
        if (network.Storage != StorageFormat.Float32 || network.GradientScale != 1)
            throw new BackpropException("the GPU trainer does not do mixed precision (16-bit storage or loss scaling)");
        Network = network;
        Optimizer = optimizer;
        BatchSize = batchSize;
        _accelerator = device.Accelerator;
        _rng = new Random(Trainer<T>.ShuffleSeed(seed));
        _rule = RuleFor(optimizer, out int stateBuffers);
        _layers = [.. Blocks(network).Select(b => new DeviceLayer<T>(_accelerator, b.Dense, b.Activation, stateBuffers, batchSize))];
        _stream = _accelerator.CreateStream();
        _gemm = _accelerator.LoadKernel<GemmArgs<T>, GemmArgs<T>, int>(Kernels.Gemm.Kernel);
        _advance = _accelerator.LoadKernel<ArrayView<int>, int>(StepCounter.Advance);
        _stepBase = _accelerator.Allocate1D<int>(1);
        // Every view a product does not use points at a 1-element stub rather than at nothing.
        _stub = _accelerator.Allocate1D<T>(1);
        _indexStub = _accelerator.Allocate1D<int>(1);
        var v = _stub.View;
        _blank = new GemmArgs<T>
        {
            A = v,
            B = v,
            Bias = v,
            Z = v,
            H = v,
            Out = v,
            PrevZ = v,
            PrevH = v,
            W = v,
            W1 = v,
            W2 = v,
            Bias1 = v,
            Bias2 = v,
            Order = _indexStub.View,
            Splits = 1,
            Chunk = int.MaxValue,
            Partial = v,
            PartialBias = v,
            Arrivals = _indexStub.View,
        };
        TargetBlocks = 2 * _accelerator.NumMultiprocessors;
        GraphSteps = device.IsCuda ? 16 : 0;
        _loss = _accelerator.LoadKernel<LossArgs<T>>(LossKernel.Kernel);
        _groupLoss = _accelerator.Allocate1D<T>(LossKernel.MaxGroups);
        _groupCorrect = _accelerator.Allocate1D<int>(LossKernel.MaxGroups);
        _lossArrivals = _accelerator.Allocate1D<int>(1);
        _lossArrivals.MemSetToZero();
        _accelerator.Synchronize(); // the uploads and zeroed buffers above are done before anything runs on _stream
        _lossThreads = Math.Min(LossKernel.MaxThreads, (int)BitOperations.RoundUpToPowerOf2((uint)_accelerator.MaxNumThreadsPerGroup + 1) / 2);
    }

    /// <summary>The network being trained; its weights are brought up to date at the end of every epoch.</summary>
    public Network<T> Network { get; }

    /// <summary>The optimizer whose settings the device applies (its own state stays untouched).</summary>
    public Optimizer<T> Optimizer { get; }

    /// <summary>Examples per batch; the last batch of an epoch may be shorter.</summary>
    public int BatchSize { get; }

    /// <summary>Called once per epoch, after the device has finished it, with (batches, batches, examples).</summary>
    public Action<int, int, long>? BatchCompleted { get; set; }

    /// <summary>
    /// About how many blocks a product's launch should have: products with fewer tiles are split along their
    /// depth (split-K) up to this. 0 never splits. The default is two blocks per multiprocessor (the fastest of
    /// 0, 2, 4 and 8 on an H200 from batch 128 up; all split settings tie below).
    /// </summary>
    internal int TargetBlocks { get; set; }

    /// <summary>
    /// Full batches recorded together in one CUDA graph and replayed with one call (0: every launch from the
    /// host). On the CPU accelerator, which has no graphs, a value above 0 launches the same device-stepped
    /// kernels one by one, so that tests cover what a graph replays. 16 on CUDA, 0 otherwise.
    /// </summary>
    internal int GraphSteps { get; set; }

    /// <summary>For the GPU benchmark: called after each launch is enqueued, with its name (to place profiling markers).</summary>
    internal Action<string>? Launched { get; set; }

    /// <summary>For the GPU benchmark: the stream every launch goes to (profiling markers must go there too).</summary>
    internal AcceleratorStream Stream => _stream;

    /// <summary>For the GPU benchmark: the host's seconds to enqueue the last epoch's launches, before its one wait.</summary>
    internal double EnqueueSeconds { get; private set; }

    /// <summary>One pass over <paramref name="train"/> on the device; <paramref name="test"/> is evaluated on the CPU from the weights copied back.</summary>
    public EpochReport TrainEpoch(Dataset train, Dataset? test = null)
    {
        _epoch++;
        var encoding = Batcher.EncodingFor(train, Network.Loss.Name, Network.Outputs);
        if (train.FeatureCount != Network.Inputs)
            throw new BackpropException($"the network takes {Network.Inputs} inputs but {train.Name} has {train.FeatureCount} features");
        Upload(train);
        EnsureWorkspace();
        int[] order = [.. Enumerable.Range(0, train.Count)];
        _rng.Shuffle(order); // on the host, so that the batches are the CPU trainer's; one copy per epoch
        int batches = (train.Count + BatchSize - 1) / BatchSize;
        var rules = new UpdateRule<T>[batches];
        for (int b = 0; b < batches; b++) rules[b] = NextRule();
        int recorded = GraphSteps > 0 ? train.Count / BatchSize / GraphSteps * GraphSteps : 0; // full batches replayed from graphs

        var clock = Stopwatch.StartNew();
        _order.SubView(0, train.Count).CopyFromCPU(_stream, order);
        if (recorded > 0)
        {
            _rules!.View.SubView(0, 4L * batches).CopyFromCPU(_stream, RuleTable(rules));
            _stepBase.View.MemSetToZero(_stream);
            var graph = GraphFor(train, encoding);
            for (int b = 0; b < recorded; b += GraphSteps)
            {
                if (graph is not null) graph.Launch();
                else RecordedSteps(train, encoding);
            }
        }
        for (int b = recorded; b < batches; b++)
        {
            int offset = b * BatchSize, rows = Math.Min(BatchSize, train.Count - offset);
            Step(train, encoding, offset, rows, b, rules[b], inGraph: -1);
        }
        EnqueueSeconds = clock.Elapsed.TotalSeconds;
        _stream.Synchronize(); // the epoch's one wait for the device
        var losses = _batchLoss!.View.SubView(0, batches).GetAsArray1D();
        var corrects = _batchCorrect!.View.SubView(0, batches).GetAsArray1D();
        double seconds = clock.Elapsed.TotalSeconds;
        double lossSum = 0;
        long correct = 0;
        for (int b = 0; b < batches; b++)
        {
            double loss = double.CreateChecked(losses[b]);
            if (!double.IsFinite(loss))
                throw new BackpropException($"epoch {_epoch}, batch {b + 1}: the loss is {loss}; training diverged (try a smaller learning rate)");
            lossSum += loss;
            correct += corrects[b];
        }
        foreach (var layer in _layers) layer.Download();
        BatchCompleted?.Invoke(batches, batches, train.Count);
        var testResult = test is null ? null : Trainer<T>.Evaluate(Network, test);
        return new EpochReport(_epoch, lossSum / train.Count, train.IsClassification ? (double)correct / train.Count : 0, testResult, seconds, train.Count);
    }

    /// <summary>
    /// The graph of <see cref="GraphSteps"/> device-stepped batches for this data set (recorded on first use), or
    /// null where there are no CUDA graphs (the CPU accelerator, or a driver that refuses).
    /// </summary>
    private CudaGraph? GraphFor(Dataset train, TargetEncoding encoding)
    {
        if (_graphSteps == GraphSteps) return _graph;
        _graph?.Dispose();
        _graph = _accelerator.AcceleratorType == AcceleratorType.Cuda ? CudaGraph.Record(_stream, () => RecordedSteps(train, encoding)) : null;
        _graphSteps = GraphSteps;
        return _graph;
    }

    /// <summary>GraphSteps full batches that find their step on the device, then the device's step count advanced past them.</summary>
    private void RecordedSteps(Dataset train, TargetEncoding encoding)
    {
        for (int j = 0; j < GraphSteps; j++) Step(train, encoding, 0, BatchSize, 0, _rule, inGraph: j);
        _advance(_stream, new KernelConfig(1, 1), _stepBase.View, GraphSteps);
    }

    /// <summary>The per-step optimizer scalars the recorded steps read: FirstStep, LearningRate, StepSize, Correction2.</summary>
    private static T[] RuleTable(UpdateRule<T>[] rules)
    {
        var table = new T[4 * rules.Length];
        for (int b = 0; b < rules.Length; b++)
        {
            table[4 * b] = rules[b].FirstStep != 0 ? T.One : T.Zero;
            table[4 * b + 1] = rules[b].LearningRate;
            table[4 * b + 2] = rules[b].StepSize;
            table[4 * b + 3] = rules[b].Correction2;
        }
        return table;
    }

    /// <summary>
    /// Enqueues one batch: nothing here waits for the device. <paramref name="inGraph"/> ≥ 0: the batch is step
    /// StepBase + inGraph of the epoch, read on the device (offset, batch and rule are then ignored).
    /// </summary>
    private void Step(Dataset train, TargetEncoding encoding, int offset, int rows, int batch, UpdateRule<T> rule, int inGraph)
    {
        var steps = new StepPlace<T>(inGraph, BatchSize, _stepBase.View, _rules?.View ?? _stub.View);
        var input = _features;
        for (int i = 0; i < _layers.Length; i++)
        {
            var l = _layers[i];
            Launch(_blank.At(steps) with
            {
                Mode = GemmArgs<T>.Forward,
                M = rows,
                N = l.Outputs,
                K = l.Inputs,
                A = input,
                B = l.W,
                Gather = i == 0 ? 1 : 0,
                Order = _order,
                Offset = offset,                     // X = the batch's data rows
                Bias = l.B,
                Z = l.Z,
                H = l.H,
                Activation = l.Activation,
                Slope = l.Slope,
            });
            Launched?.Invoke($"forward {i + 1}");
            input = l.H;
        }
        _loss(_stream, new KernelConfig(LossKernel.Groups(rows, _lossThreads), _lossThreads), LossArguments(train, encoding, offset, rows, batch) with
        {
            DeviceStep = steps.DeviceStep,
            StepInGraph = steps.InGraph,
            BatchSize = BatchSize,
            StepBase = _stepBase.View,
        });
        Launched?.Invoke("loss");

        // dX of layer i reads W_i before the launch after it updates W_i; dW of layer i waits for the next launch.
        GemmArgs<T>? waiting = null;
        for (int i = _layers.Length - 1; i >= 1; i--)
        {
            var l = _layers[i];
            var below = _layers[i - 1];
            Launch(_blank.At(steps) with
            {
                Mode = GemmArgs<T>.InputGradient,
                M = rows,
                N = l.Inputs,
                K = l.Outputs,
                A = l.Delta,
                B = l.W,
                TransposeB = 1,
                Out = below.Delta,
                PrevZ = below.Z,
                PrevH = below.H,
                Activation = below.Activation,
                Slope = below.Slope,
            }, waiting);
            Launched?.Invoke(waiting is null ? $"dX {i + 1}" : $"dX {i + 1} + update {i + 2}");
            waiting = WeightUpdate(i, rows, offset, rule).At(steps);
        }
        Launch(WeightUpdate(0, rows, offset, rule).At(steps), waiting);
        Launched?.Invoke(_layers.Length > 1 ? "update 1 + update 2" : "update 1");
    }

    /// <summary>dW = Xᵀ·Δ and db = colsum Δ of layer i, applied by the optimizer in the product's epilogue.</summary>
    private GemmArgs<T> WeightUpdate(int i, int rows, int offset, UpdateRule<T> rule)
    {
        var l = _layers[i];
        return _blank with
        {
            Mode = GemmArgs<T>.WeightUpdate,
            M = l.Inputs,
            N = l.Outputs,
            K = rows,
            TransposeA = 1,
            A = i > 0 ? _layers[i - 1].H : _features,
            Gather = i == 0 ? 1 : 0,
            Order = _order,
            Offset = offset,
            B = l.Delta,
            W = l.W,
            W1 = l.W1,
            W2 = l.W2,
            Bias = l.B,
            Bias1 = l.B1,
            Bias2 = l.B2,
            Rule = rule,
        };
    }

    /// <summary>The optimizer's scalars for the next step, as the CPU optimizer would compute them.</summary>
    private UpdateRule<T> NextRule()
    {
        _steps++;
        var rule = _rule;
        rule.FirstStep = _steps == 1 ? 1 : 0;
        rule.LearningRate = T.CreateChecked(Optimizer.LearningRate);
        if (Optimizer is Adam<T> adam)
        {
            // Adam's bias corrections in double from the optimizer's own β, as Adam.Step computes them.
            rule.StepSize = T.CreateChecked(adam.LearningRate / (1 - Math.Pow(adam.Beta1, _steps)));
            rule.Correction2 = T.CreateChecked(Math.Sqrt(1 - Math.Pow(adam.Beta2, _steps)));
        }
        return rule;
    }

    /// <summary>One launch for one product, or for two independent ones side by side (each split along its depth as it needs).</summary>
    private void Launch(GemmArgs<T> args, GemmArgs<T>? with = null)
    {
        args = Splitting(args, 0);
        int first = Kernels.Gemm.Tiles(args.M, args.N) * args.Splits, blocks = first;
        var second = _blank;
        if (with is { } w)
        {
            second = Splitting(w, 1);
            blocks += Kernels.Gemm.Tiles(second.M, second.N) * second.Splits;
        }
        _gemm(_stream, new KernelConfig(new Index2D(blocks, 1), new Index2D(Kernels.Gemm.Side, Kernels.Gemm.Side)), args, second, first);
    }

    /// <summary>The product with its split-K settings and the workspace of launch slot <paramref name="slot"/>.</summary>
    private GemmArgs<T> Splitting(GemmArgs<T> g, int slot)
    {
        var (splits, chunk) = Kernels.Gemm.Split(g.M, g.N, g.K, TargetBlocks);
        if (splits == 1) return g with { Splits = 1, Chunk = chunk };
        return g with
        {
            Splits = splits,
            Chunk = chunk,
            Partial = _partial[slot]!.View,
            PartialBias = _partialBias[slot]!.View,
            Arrivals = _arrivals[slot]!.View,
        };
    }

    /// <summary>
    /// The split-K workspace of the two launch slots, for <see cref="TargetBlocks"/>: a split product has at most
    /// TargetBlocks + tiles blocks, each parking one 64×64 tile; its colsum parts take splits × N.
    /// </summary>
    private void EnsureWorkspace()
    {
        if (_workspaceFor == TargetBlocks) return;
        int maxTiles = 1, maxK = BatchSize, maxN = 1;
        foreach (var l in _layers)
        {
            maxTiles = Math.Max(maxTiles, Math.Max(Kernels.Gemm.Tiles(BatchSize, l.Outputs), Math.Max(Kernels.Gemm.Tiles(BatchSize, l.Inputs), Kernels.Gemm.Tiles(l.Inputs, l.Outputs))));
            maxK = Math.Max(maxK, Math.Max(l.Inputs, l.Outputs));
            maxN = Math.Max(maxN, Math.Max(l.Inputs, l.Outputs));
        }
        long partial = (long)(TargetBlocks + maxTiles) * Kernels.Gemm.Tile * Kernels.Gemm.Tile;
        long bias = (long)((maxK + Kernels.Gemm.Depth - 1) / Kernels.Gemm.Depth) * maxN + Kernels.Gemm.Tile; // + a tile: see Gemm
        for (int slot = 0; slot < 2; slot++)
        {
            _partial[slot]?.Dispose();
            _partialBias[slot]?.Dispose();
            _arrivals[slot]?.Dispose();
            _partial[slot] = _accelerator.Allocate1D<T>(TargetBlocks > 0 ? partial : 1);
            _partialBias[slot] = _accelerator.Allocate1D<T>(TargetBlocks > 0 ? bias : 1);
            _arrivals[slot] = _accelerator.Allocate1D<int>(maxTiles);
            _arrivals[slot]!.MemSetToZero();
        }
        _accelerator.Synchronize(); // the zeroed counters, before _stream's launches count on them
        _graph?.Dispose();
        _graph = null;
        _graphSteps = -1; // a recorded graph points at the old workspace
        _workspaceFor = TargetBlocks;
    }

    private LossArgs<T> LossArguments(Dataset train, TargetEncoding encoding, int offset, int rows, int batch)
    {
        var last = _layers[^1];
        string loss = Network.Loss.Name;
        int k = Network.Outputs;
        T rowsT = T.CreateChecked(rows), kT = T.CreateChecked(k);
        var (kind, gradient, rowScale) = loss switch
        {
            "sse" => (LossArgs<T>.Squared, T.CreateChecked(2), T.One),
            "half_sse" => (LossArgs<T>.Squared, T.One, T.CreateChecked(0.5)),
            "mse" => (LossArgs<T>.Squared, T.CreateChecked(2.0 / ((double)rows * k)), T.One / kT),
            "cross_entropy" => (encoding == TargetEncoding.ClassIndex ? LossArgs<T>.CrossEntropyIndex : LossArgs<T>.CrossEntropySoft, T.One / rowsT, T.One),
            "bce_with_logits" => (LossArgs<T>.BceWithLogits, T.One / T.CreateChecked(rows * k), T.One / kT),
            _ => throw new BackpropException($"the GPU trainer has no loss '{loss}'"),
        };
        return new LossArgs<T>
        {
            Kind = kind,
            Encoding = encoding switch
            {
                TargetEncoding.ClassIndex => LossArgs<T>.ClassIndex,
                TargetEncoding.OneHot => LossArgs<T>.OneHot,
                TargetEncoding.Binary => LossArgs<T>.Binary,
                _ => LossArgs<T>.Values,
            },
            Rows = rows,
            Outputs = k,
            Offset = offset,
            Batch = batch,
            Classify = train.IsClassification ? 1 : 0,
            Order = _order,
            Labels = _labels,
            TargetData = _targets,
            Y = last.H,
            Z = last.Z,
            Delta = last.Delta,
            Activation = last.Activation,
            Slope = last.Slope,
            GradientScale = gradient,
            RowScale = rowScale,
            Threshold = loss == "bce_with_logits" ? T.Zero : T.CreateChecked(0.5),
            BatchLoss = _batchLoss!.View,
            BatchCorrect = _batchCorrect!.View,
            GroupLoss = _groupLoss.View,
            GroupCorrect = _groupCorrect.View,
            Arrivals = _lossArrivals.View,
        };
    }

    /// <summary>Copies a data set to the device in the network's precision, once (a second epoch on the same set reuses it).</summary>
    private void Upload(Dataset data)
    {
        if (ReferenceEquals(data, _uploaded)) return;
        foreach (var buffer in _data) buffer.Dispose();
        _data.Clear();
        _features = Allocate(Convert(data.Features));
        _targets = Allocate(data.Targets is null ? [T.Zero] : Convert(data.Targets));
        var labels = _accelerator.Allocate1D(data.Labels ?? [0]);
        var order = _accelerator.Allocate1D<int>(data.Count);
        _data.Add(labels);
        _data.Add(order);
        (_labels, _order) = (labels.View, order.View);
        int batches = (data.Count + BatchSize - 1) / BatchSize;
        _batchLoss?.Dispose();
        _batchCorrect?.Dispose();
        _batchLoss = _accelerator.Allocate1D<T>(batches);
        _rules?.Dispose();
        _rules = _accelerator.Allocate1D<T>(4L * batches);
        _graph?.Dispose();
        _graph = null;
        _graphSteps = -1; // the recorded steps point at the old data set
        _batchCorrect = _accelerator.Allocate1D<int>(batches);
        _uploaded = data;
        _accelerator.Synchronize(); // the copies above (on the default stream) land before _stream reads them
    }

    private ArrayView<T> Allocate(T[] values)
    {
        var buffer = _accelerator.Allocate1D(values);
        _data.Add(buffer);
        return buffer.View;
    }

    private static T[] Convert(float[] values)
    {
        var result = new T[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = T.CreateTruncating(values[i]);
        return result;
    }

    /// <summary>The dense layers, each with the activation right after it: the shape the fused kernels take.</summary>
    private static List<(Dense<T> Dense, Activation<T>? Activation)> Blocks(Network<T> network)
    {
        var blocks = new List<(Dense<T>, Activation<T>?)>();
        var layers = network.Layers;
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i] is not Dense<T> dense)
                throw new BackpropException($"the GPU trainer takes dense layers each followed by at most one activation; layer {i} ({layers[i].Type}) is not one");
            Activation<T>? activation = i + 1 < layers.Count && layers[i + 1] is Activation<T> a ? a : null;
            if (activation is not null) i++;
            blocks.Add((dense, activation));
        }
        return blocks;
    }

    private static UpdateRule<T> RuleFor(Optimizer<T> optimizer, out int stateBuffers)
    {
        switch (optimizer)
        {
            case Sgd<T> sgd:
                stateBuffers = sgd.Momentum == 0 ? 0 : 1;
                return new UpdateRule<T>
                {
                    Kind = sgd.Momentum == 0 ? UpdateRule<T>.Sgd : UpdateRule<T>.Momentum,
                    Mu = T.CreateChecked(sgd.Momentum),
                    Decay = T.CreateChecked(sgd.WeightDecay),
                };
            case Adam<T> adam:
                stateBuffers = 2;
                T b1 = T.CreateChecked(adam.Beta1), b2 = T.CreateChecked(adam.Beta2);
                return new UpdateRule<T>
                {
                    Kind = UpdateRule<T>.Adam,
                    Beta1 = b1,
                    Beta2 = b2,
                    OneMinusBeta1 = T.One - b1,
                    OneMinusBeta2 = T.One - b2,
                    Epsilon = T.CreateChecked(adam.Epsilon),
                    Decay = T.CreateChecked(adam.WeightDecay),
                };
            default:
                throw new BackpropException($"the GPU trainer takes SGD, momentum or Adam, not {optimizer.GetType().Name}");
        }
    }

    /// <summary>Frees the device buffers (the network keeps the weights of the last finished epoch).</summary>
    public void Dispose()
    {
        foreach (var layer in _layers) layer.Dispose();
        foreach (var buffer in _data) buffer.Dispose();
        _batchLoss?.Dispose();
        _batchCorrect?.Dispose();
        _stub.Dispose();
        _indexStub.Dispose();
        _graph?.Dispose();
        _rules?.Dispose();
        _stepBase.Dispose();
        _stream.Dispose();
        _groupLoss.Dispose();
        _groupCorrect.Dispose();
        _lossArrivals.Dispose();
        for (int slot = 0; slot < 2; slot++)
        {
            _partial[slot]?.Dispose();
            _partialBias[slot]?.Dispose();
            _arrivals[slot]?.Dispose();
        }
    }
}
