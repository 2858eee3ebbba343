"""Running-form analysis from a side-view video, on the runner's own machine.

The pipeline: `video` decodes the clip frame by frame, `pose` finds the runner's landmarks in
each frame (MediaPipe BlazePose behind the `PoseEstimator` protocol), and the pure part turns
the keypoints into an analysis: `cleaning` (gaps, step period, outliers, smoothing), `steps`
(initial contacts), `metrics`, `quality` (the gates), `findings` (what may load the back, from
the knowledge base), all composed by `analysis`. `drawing` draws the skeleton on frames for the
overlay video and the key-frame picture.
"""
