"""Batch runs: sweep files, samplers, outputs, the run plan, the results folder, executors and analyses.

Add a sampler in :mod:`sim.batch.samplers`; an output measure in :mod:`sim.batch.outputs`.
"""
