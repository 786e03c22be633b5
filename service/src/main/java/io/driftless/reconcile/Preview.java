package io.driftless.reconcile;

import io.driftless.status.Drift;

import java.util.List;

/**
 * What syncing a target at some ref would do, computed without writing anything or touching its status.
 *
 * @param result    Synced (nothing to do), OutOfSync (the changes listed), Refused (a safety rule would stop it)
 *                  or Failed (values, render or cluster error)
 * @param changes   one line per object or field that would change, be pruned or be kept
 * @param error     why it would be refused or fail, or null
 */
public record Preview(String cluster, String release, String revision, Result result, long outOfSync,
                      List<Drift> changes, List<String> warnings, String error) {

    /** What a sync at that ref would do. */
    public enum Result { Synced, OutOfSync, Refused, Failed }
}
